package dev.stockpipe.relay.bench;

import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.relay.RelayConfig;
import dev.stockpipe.relay.RelayServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Flow-A fan-out latency: Redis PUBLISH (nanoTime stamped into the event) → JDK WebSocket client receive, for
 * N clients subscribed to every symbol, at a paced publish rate. Warm-up, then HdrHistogram percentiles. Not a
 * test (never run by mvn test/verify). Args: rate/s, clients, seconds, transport (defaults 10000 100 20 ws);
 * transport {@code sio} connects the same JDK WebSocket clients to /socket.io/ (Engine.IO WebSocket-only,
 * speaking the protocol by hand: "40", {@code 42["subscribe","*"]}, pong on each ping).
 */
public final class FanOutLatencyBench {
    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean sio = args.length > 3 && args[3].equals("sio");
        int warmupSeconds = 5;
        String[] symbols = {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "SPY", "QQQ", "IBM"};
        Recorder recorder = new Recorder(3);
        AtomicLong received = new AtomicLong();
        try (EmbeddedRedis redis = EmbeddedRedis.start(0);
             RelayServer relay = RelayServer.start(RelayConfig.fromEnv(Map.of(
                     RelayConfig.RELAY_PORT, "0",
                     RelayConfig.REDIS_HOST, redis.host(),
                     RelayConfig.REDIS_PORT, String.valueOf(redis.port()))))) {
            relay.awaitRedis(Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                java.net.URI uri = sio ? java.net.URI.create(relay.wsUri().toString()
                        .replace("/ws", "/socket.io/?EIO=4&transport=websocket")) : relay.wsUri();
                WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            int at = partial.indexOf("\"bench_ns\":");
                            if (at >= 0) {
                                int end = partial.indexOf(",", at);
                                long sent = Long.parseLong(partial.substring(at + 11, end));
                                recorder.recordValue(Math.max(0, now - sent));
                                received.incrementAndGet();
                            }
                            if (sio && partial.length() == 1 && partial.charAt(0) == '2') {
                                w.sendText("3", true); // Engine.IO pong
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).join();
                if (sio) {
                    ws.sendText("40", true).join();
                    ws.sendText("42[\"subscribe\",\"*\"]", true).join();
                } else {
                    ws.sendText("{\"action\":\"subscribe\",\"symbols\":[\"*\"]}", true).join();
                }
                sockets.add(ws);
            }
            while (relay.fanOut().clientCount() < clients) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            RedisClient rc = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> pub = rc.connect()) {
                long intervalNs = 1_000_000_000L / rate;
                long total = (long) rate * (seconds + warmupSeconds);
                long start = System.nanoTime();
                Histogram measured = null;
                for (long n = 0; n < total; n++) {
                    long due = start + n * intervalNs;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 50_000) {
                        LockSupport.parkNanos(wait - 50_000);
                    }
                    if (n == (long) rate * warmupSeconds) {
                        recorder.getIntervalHistogram(); // drop warm-up
                    }
                    String sym = symbols[(int) (n % symbols.length)];
                    pub.async().publish("stock:trades:pubsub", "{\"type\":\"trade\",\"symbol\":\"" + sym
                            + "\",\"price\":150.25,\"size\":100,\"timestamp\":\"2024-01-02T15:00:00Z\",\"exchange\":\"V\","
                            + "\"bench_ns\":" + System.nanoTime() + ",\"trade_id\":" + n
                            + ",\"conditions\":[\"@\"],\"tape\":\"C\",\"received_at\":0}");
                }
                Thread.sleep(2000);
                measured = recorder.getIntervalHistogram();
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf("transport=%s ", sio ? "socket.io" : "ws");
                System.out.printf("rate=%d trades/s clients=%d measured=%ds frames received=%d (expected %d) "
                                + "conflated=%d dropped_clients=%d heap_used=%dMB%n", rate, clients, seconds,
                        received.get(), total * clients, (long) relay.metrics().conflatedCount(),
                        clients - relay.fanOut().clientCount(),
                        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                System.out.printf("PUBLISH -> client receive: p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms "
                                + "(n=%d, %.1f s run)%n", measured.getValueAtPercentile(50) / 1e6,
                        measured.getValueAtPercentile(99) / 1e6, measured.getValueAtPercentile(99.9) / 1e6,
                        measured.getMaxValue() / 1e6, measured.getTotalCount(), elapsed);
                io.micrometer.core.instrument.Timer t = relay.metrics().registry().get("relay.fanout.latency").timer();
                System.out.printf("relay side (Redis receive -> written to socket): mean=%.3f ms max=%.3f ms n=%d%n",
                        t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS), t.count());
            } finally {
                rc.shutdown();
            }
            sockets.forEach(WebSocket::abort);
        }
        System.exit(0);
    }
}
