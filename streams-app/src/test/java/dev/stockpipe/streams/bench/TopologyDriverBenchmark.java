package dev.stockpipe.streams.bench;

import dev.stockpipe.streams.StreamsProperties;
import dev.stockpipe.streams.TopologyConfig;
import dev.stockpipe.streams.TradeTopology;
import dev.stockpipe.streams.metrics.PipelineCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Not a test: the processors' own cost per trade (parse, validate, RocksDB stores, JSON out) without a
 * broker, on TopologyTestDriver. Same classpath as {@link TopologyBenchmark}:
 * {@code java -Xmx1g -cp ... dev.stockpipe.streams.bench.TopologyDriverBenchmark [trades=300000]}
 */
public final class TopologyDriverBenchmark {
    private TopologyDriverBenchmark() {}

    public static void main(String[] args) throws Exception {
        int trades = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        TopologyConfig cfg = TopologyConfig.defaults();
        PipelineCounters counters = new PipelineCounters(new SimpleMeterRegistry());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "driver-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("driver-bench").toString());
        p.putAll(StreamsProperties.handlers(cfg, counters));
        Instant t0 = Instant.now().minusSeconds(3600);
        try (TopologyTestDriver d = new TopologyTestDriver(TradeTopology.build(cfg, Clock.systemUTC(), counters), p)) {
            TestInputTopic<String, byte[]> in = d.createInputTopic(cfg.tradesRawTopic(), new StringSerializer(), new ByteArraySerializer());
            int warm = trades / 5;
            long start = 0;
            for (int i = 0; i < trades + warm; i++) {
                if (i == warm) {
                    start = System.nanoTime();
                }
                String s = "S" + (i % 100);
                String json = "{\"T\":\"t\",\"S\":\"" + s + "\",\"i\":" + (i / 100 + 1) + ",\"x\":\"V\",\"p\":" + (100 + i % 50)
                        + ".25,\"s\":1,\"c\":[\"@\"],\"z\":\"C\",\"t\":\"" + t0.plusNanos(i * 1000L) + "\"}";
                in.pipeInput(s, json.getBytes(StandardCharsets.UTF_8), t0.plusMillis(i / 100));
                if (i % 10_000 == 0) {
                    d.getAllStateStores(); // keep the output queue from growing: read and drop it
                    d.createOutputTopic(cfg.tradesTopic(), new org.apache.kafka.common.serialization.StringDeserializer(),
                            new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readValuesToList();
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("DRIVER: %,d trades in %.2f s = %,.0f trades/s through the processors (no broker; the driver commits, so flushes RocksDB, after every record)%n",
                    trades, secs, trades / secs);
        }
    }
}
