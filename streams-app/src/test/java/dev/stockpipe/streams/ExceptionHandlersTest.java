package dev.stockpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.streams.errors.RejectingExceptionHandler;
import dev.stockpipe.streams.errors.SkippingProductionExceptionHandler;
import dev.stockpipe.streams.metrics.PipelineCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The handlers behind the processors: bad bytes become rejects and processing resumes. */
class ExceptionHandlersTest {
    final PipelineCounters counters = new PipelineCounters(new SimpleMeterRegistry());

    static ErrorHandlerContext context(byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            public String topic() { return "stocks.trades.raw"; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return TradeTopology.TRADE_PROCESSOR; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0; }
            public byte[] sourceRawKey() { return key; }
            public byte[] sourceRawValue() { return value; }
        };
    }

    private RejectingExceptionHandler handler() {
        RejectingExceptionHandler h = new RejectingExceptionHandler();
        h.configure(Map.of(RejectingExceptionHandler.REJECTS_TOPIC_CONFIG, "my.rejects", RejectingExceptionHandler.COUNTERS_CONFIG, counters));
        return h;
    }

    @Test
    void shouldTurnUndeserializableBytesIntoRejectAndResume() {
        byte[] garbage = {(byte) 0xff, 0x00, (byte) 0x80};
        var record = new ConsumerRecord<>("stocks.trades.raw", 2, 41L, "AAPL".getBytes(StandardCharsets.UTF_8), garbage);
        DeserializationExceptionHandler.Response r = handler().handleError(context(record.key(), garbage), record,
                new SerializationException("bad bytes"));
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
        assertThat(dlq.topic()).isEqualTo("my.rejects");
        assertThat(new String(dlq.key(), StandardCharsets.UTF_8)).isEqualTo("AAPL");
        Reject reject = JsonSerde.of(Reject.class).deserialize("my.rejects", dlq.value());
        assertThat(reject.reason()).isEqualTo(RejectReason.MALFORMED_JSON.code());
        assertThat(reject.sourcePartition()).isEqualTo(2);
        assertThat(reject.sourceOffset()).isEqualTo(41);
        assertThat(reject.rawBytes()).isEqualTo(garbage);
        assertThat(counters.handlerErrors()).isEqualTo(1);
    }

    @Test
    void shouldTurnUnexpectedProcessingFailureIntoRejectAndResume() {
        byte[] value = "{\"T\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        ProcessingExceptionHandler.Response r = handler().handleError(context(null, value),
                new Record<>("AAPL", value, 0L), new IllegalStateException("bug"));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        Reject reject = JsonSerde.of(Reject.class).deserialize("my.rejects", r.deadLetterQueueRecords().get(0).value());
        assertThat(reject.raw()).isEqualTo("{\"T\":\"t\"}");
        assertThat(reject.detail()).contains("bug").contains(TradeTopology.TRADE_PROCESSOR);
        assertThat(new String(r.deadLetterQueueRecords().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("AAPL");
    }

    @Test
    void shouldSkipOutputTheBrokerRefusesForSizeButFailOnOtherSendErrors() {
        SkippingProductionExceptionHandler h = new SkippingProductionExceptionHandler();
        h.configure(Map.of(RejectingExceptionHandler.COUNTERS_CONFIG, counters));
        var rec = new ProducerRecord<byte[], byte[]>("stocks.trades", new byte[10]);
        assertThat(h.handleError(context(null, null), rec, new RecordTooLargeException("big")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(h.handleError(context(null, null), rec, new TimeoutException("slow")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(h.handleSerializationError(context(null, null), rec, new SerializationException("x"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE).result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(counters.handlerErrors()).isEqualTo(2);
    }
}
