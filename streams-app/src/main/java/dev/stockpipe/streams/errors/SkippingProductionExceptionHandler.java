package dev.stockpipe.streams.errors;

import dev.stockpipe.streams.metrics.PipelineCounters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the broker refuses for its size, or that cannot be serialized, is logged, counted and
 * skipped: one bad output must not stop the application. Every other send error fails as usual
 * (Kafka Streams retries or replaces the thread), since skipping it would lose good data.
 */
public final class SkippingProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkippingProductionExceptionHandler.class);
    private PipelineCounters counters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object c = configs.get(RejectingExceptionHandler.COUNTERS_CONFIG);
        if (c instanceof PipelineCounters) {
            counters = (PipelineCounters) c;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            count();
            LOG.warn("output to {} from {}-{}@{} is too large for the broker ({} bytes); skipped", record.topic(),
                    context.topic(), context.partition(), context.offset(), record.value() == null ? 0 : record.value().length);
            return Response.resume();
        }
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        count();
        LOG.warn("cannot serialize the {} of an output to {} from {}-{}@{}: {}; skipped", origin, record.topic(),
                context.topic(), context.partition(), context.offset(), exception.toString());
        return Response.resume();
    }

    private void count() {
        if (counters != null) {
            counters.handlerError();
        }
    }
}
