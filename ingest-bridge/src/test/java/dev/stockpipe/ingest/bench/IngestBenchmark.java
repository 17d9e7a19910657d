package dev.stockpipe.ingest.bench;

import dev.stockpipe.ingest.IngestConfig;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.testsupport.TestServices;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bridge overhead benchmark (not a test): alpaca-sim in this JVM at a target trade rate, a real broker and Redis,
 * and the bridge as its own process with -Xmx256m (as deployed). Reports the trade rate the bridge sustained into
 * Kafka + Redis and the frame-arrival-to-PUBLISH latency percentiles from its /metrics, after a warm-up.
 *
 * <pre>
 * mvn -q -o -pl ingest-bridge test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/ib-test-cp.txt
 * java -Xmx1g -cp ingest-bridge/target/test-classes:ingest-bridge/target/classes:$(cat /tmp/ib-test-cp.txt) \
 *      dev.stockpipe.ingest.bench.IngestBenchmark [tradesPerSecond=60000] [seconds=30]
 * </pre>
 */
public final class IngestBenchmark {
    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 60_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> symbols = List.of("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "AMD", "NFLX", "QQQ");
        EmbeddedKafka kafka = TestServices.kafka();
        EmbeddedRedis redis = TestServices.redis();
        kafka.createTopics(6, "bench.trades.raw", "bench.bars.raw");
        Process bridge = null;
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(42L).symbols(symbols).tradesPerSecond(rate)
                .correctionRate(0.001).cancelRate(0.001).lateRate(0).quoteRate(0).keepGroundTruth(false)
                .outboundQueueCapacity(2_000_000).pingInterval(Duration.ZERO).start()) {
            int httpPort = 18085;
            List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseParallelGC"));
            String extra = System.getProperty("bench.jvmArgs", "");
            if (!extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.stockpipe.ingest.IngestBridgeMain"));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> env = pb.environment();
            env.put(IngestConfig.ALPACA_DATA_WS_URL, sim.streamUri("iex"));
            env.put(IngestConfig.ALPACA_DATA_REST_URL, sim.restUri());
            env.put(IngestConfig.SUBSCRIBED_SYMBOLS, String.join(",", symbols));
            env.put(IngestConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            env.put(IngestConfig.INGEST_TOPIC_TRADES_RAW, "bench.trades.raw");
            env.put(IngestConfig.INGEST_TOPIC_BARS_RAW, "bench.bars.raw");
            env.put(IngestConfig.REDIS_HOST, redis.host());
            env.put(IngestConfig.REDIS_PORT, Integer.toString(redis.port()));
            env.put(IngestConfig.REDIS_CHANNEL_TRADES, "bench:pubsub");
            env.put(IngestConfig.INGEST_HTTP_PORT, Integer.toString(httpPort));
            env.put("INGEST_LOG_LEVEL", "WARN");
            Path log = Files.createTempFile("ingest-bench", ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            bridge = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + httpPort + "/metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (scrape(http, metrics) == null || value(scrape(http, metrics), "ingest_subscribed", "") < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("bridge did not subscribe; log: " + log);
                }
                Thread.sleep(200);
            }
            System.out.printf("bridge up; warming up 10 s at a target of %.0f trades/s%n", rate);
            Thread.sleep(10_000);
            String a = scrape(http, metrics);
            long t0 = System.nanoTime();
            double trades0 = value(a, "ingest_messages_total", "type=\"t\"");
            long simTrades0 = sim.stats().tradesEmitted();
            double frames0 = value(a, "ingest_frames_total", "");
            Thread.sleep(seconds * 1000L);
            String b = scrape(http, metrics);
            double secs = (System.nanoTime() - t0) / 1e9;
            double trades = (value(b, "ingest_messages_total", "type=\"t\"") - trades0) / secs;
            double frames = (value(b, "ingest_frames_total", "") - frames0) / secs;
            double simRate = (sim.stats().tradesEmitted() - simTrades0) / secs;
            System.out.printf("simulator emitted %.0f trades/s%n", simRate);
            b.lines().filter(l -> l.startsWith("ingest_publish_latency") && !l.contains("_bucket"))
                    .forEach(System.out::println);
            System.out.printf("sustained: %.0f trades/s in %.0f frames/s over %.1f s (sim target %.0f trades/s)%n",
                    trades, frames, secs, rate);
            System.out.printf("frame arrival -> Redis PUBLISH written (per frame, histogram buckets): p50 <= %.0f us, "
                            + "p99 <= %.0f us, p99.9 <= %.0f us, mean %.0f us%n",
                    quantile(a, b, 0.5) * 1e6, quantile(a, b, 0.99) * 1e6, quantile(a, b, 0.999) * 1e6,
                    (value(b, "ingest_publish_latency_seconds_sum", "") - value(a, "ingest_publish_latency_seconds_sum", ""))
                            / Math.max(1, value(b, "ingest_publish_latency_seconds_count", "")
                            - value(a, "ingest_publish_latency_seconds_count", "")) * 1e6);
            System.out.printf("kafka sent %.0f, kafka backpressure waits %.0f, redis published %.0f, redis dropped %.0f, bridge heap -Xmx256m%n",
                    value(b, "ingest_kafka_sent_total", "stocks") + value(b, "ingest_kafka_sent_total", "bench.trades"),
                    value(b, "ingest_kafka_backpressure_total", ""), value(b, "ingest_redis_published_total", ""),
                    value(b, "ingest_redis_dropped_total", ""));
            System.out.println("bridge log: " + log);
        } finally {
            if (bridge != null) {
                bridge.destroy();
                bridge.waitFor();
                System.out.println("bridge exit code " + bridge.exitValue());
            }
            TestServices.closeAll();
        }
    }

    /** The upper bound of the bucket holding quantile q of the observations between two scrapes. */
    static double quantile(String a, String b, double q) {
        java.util.TreeMap<Double, Double> before = buckets(a);
        java.util.TreeMap<Double, Double> after = buckets(b);
        double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
        for (Map.Entry<Double, Double> e : after.entrySet()) {
            double n = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (n >= q * total) {
                return e.getKey();
            }
        }
        return Double.NaN;
    }

    private static java.util.TreeMap<Double, Double> buckets(String text) {
        java.util.TreeMap<Double, Double> out = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("^ingest_publish_latency_seconds_bucket\\{le=\"([^\"]+)\"\\} ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(text);
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            out.put(le, Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static String scrape(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return null;
        }
    }

    /** Sum of the samples of {@code name} whose labels contain {@code labelPart}. */
    static double value(String text, String name, String labelPart) {
        if (text == null) {
            return 0;
        }
        double sum = 0;
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        List<Double> found = new ArrayList<>();
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelPart) && !m.group(2).equals("NaN")) {
                found.add(Double.parseDouble(m.group(2)));
            }
        }
        for (double d : found) {
            sum += d;
        }
        return sum;
    }
}
