package dev.stockpipe.streams.errors;

import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.streams.metrics.PipelineCounters;
import dev.stockpipe.streams.validate.RawValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last line of defence for records the processors could not judge: a deserialization failure or an
 * unexpected exception inside a processor. The record becomes a reject on the rejects topic (written
 * in the same transaction, through Kafka Streams' dead-letter mechanism, KIP-1034) and processing
 * resumes. Bad input normally never gets here: the raw serdes are bytes and the processors validate.
 */
public final class RejectingExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Config key: the rejects topic. */
    public static final String REJECTS_TOPIC_CONFIG = "stockpipe.rejects.topic";
    /** Config key: the {@link PipelineCounters} instance (an object value in the streams properties). */
    public static final String COUNTERS_CONFIG = "stockpipe.counters";

    private static final Logger LOG = LoggerFactory.getLogger(RejectingExceptionHandler.class);
    private static final JsonSerde<Reject> SERDE = JsonSerde.of(Reject.class);

    private String rejectsTopic = dev.stockpipe.model.Topics.REJECTS_NAME;
    private PipelineCounters counters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(REJECTS_TOPIC_CONFIG);
        if (topic != null) {
            rejectsTopic = topic.toString();
        }
        Object c = configs.get(COUNTERS_CONFIG);
        if (c instanceof PipelineCounters) {
            counters = (PipelineCounters) c;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                 ConsumerRecord<byte[], byte[]> record, Exception exception) {
        ProducerRecord<byte[], byte[]> reject = toReject(RejectReason.MALFORMED_JSON, "cannot deserialize", context,
                record.key(), record.value(), exception);
        return DeserializationExceptionHandler.Response.resume(List.of(reject));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        byte[] key = context.sourceRawKey();
        byte[] value = context.sourceRawValue();
        if (value == null && record.value() instanceof byte[]) {
            value = (byte[]) record.value();
        }
        if (key == null && record.key() instanceof String) {
            key = ((String) record.key()).getBytes(StandardCharsets.UTF_8);
        }
        ProducerRecord<byte[], byte[]> reject = toReject(RejectReason.INVALID_FIELD,
                "processing failed in " + context.processorNodeId(), context, key, value, exception);
        return ProcessingExceptionHandler.Response.resume(List.of(reject));
    }

    ProducerRecord<byte[], byte[]> toReject(RejectReason reason, String what, ErrorHandlerContext context,
                                            byte[] key, byte[] value, Exception exception) {
        if (counters != null) {
            counters.handlerError();
            counters.reject(reason);
        }
        LOG.warn("{} record {}-{}@{} (task {}): {}; written to {} and skipped", what, context.topic(), context.partition(),
                context.offset(), context.taskId(), exception.toString(), rejectsTopic, exception);
        Reject r = RawValidator.reject(reason, what + ": " + exception, context.topic(), context.partition(),
                context.offset(), value);
        return new ProducerRecord<>(rejectsTopic, null, key, SERDE.serialize(rejectsTopic, r));
    }
}
