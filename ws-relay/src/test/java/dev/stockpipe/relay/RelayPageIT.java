package dev.stockpipe.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.testsupport.TestStackExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page as a person sees it: headless Chromium (Debian's, driven by playwright-core) opens the relay's page
 * while trades flow through a real Redis, and must see the tape fill and candles drawn. Saves
 * target/relay-page.png. Skipped only when /usr/bin/chromium is absent.
 */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class RelayPageIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final String[] SYMBOLS = {"AAPL", "MSFT"};

    @Test
    void shouldShowTheLiveTapeAndCandlesInABrowser(EmbeddedRedis redis) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless browser test skipped: " + CHROMIUM
                + " not installed (apt-get install -y chromium)");
        Path frontend = Path.of("frontend").toAbsolutePath();
        assertThat(frontend.resolve("node_modules/playwright-core")).as("npm ci ran in frontend/ (the Maven build does it)")
                .exists();
        assertThat(Path.of("target/classes/public/index.html")).as("page built (do not use -Dfrontend.skip=true)")
                .exists();

        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/bars/", ex -> {
            String symbol = ex.getRequestURI().getPath().substring("/bars/".length());
            byte[] body = history(symbol, now).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
        String channel = "relay-page-it:" + System.nanoTime();
        RedisClient redisClient = RedisClient.create(redis.uri());
        AtomicBoolean stop = new AtomicBoolean();
        Thread feeder = null;
        try (RelayServer relay = RelayServer.start(RelayConfig.fromEnv(Map.of(
                RelayConfig.RELAY_PORT, "0",
                RelayConfig.REDIS_HOST, redis.host(),
                RelayConfig.REDIS_PORT, String.valueOf(redis.port()),
                RelayConfig.REDIS_CHANNEL_TRADES, channel,
                RelayConfig.BARS_API_URL, "http://127.0.0.1:" + upstream.getAddress().getPort())));
             StatefulRedisConnection<String, String> pub = redisClient.connect()) {
            assertThat(relay.awaitRedis(Duration.ofSeconds(120))).isTrue();
            // a bounded feed: a few trades per second per symbol, for at most five minutes
            feeder = new Thread(() -> {
                double[] price = {187.40, 402.10};
                for (long seq = 0; seq < 3000 && !stop.get(); seq++) {
                    int s = (int) (seq % SYMBOLS.length);
                    price[s] += ((seq * 7919) % 11 - 5) * 0.03;
                    pub.sync().publish(channel, RelayIT.trade(SYMBOLS[s], seq).replace("150.25",
                            BigDecimal.valueOf(price[s]).setScale(2, RoundingMode.HALF_UP).toPlainString())
                            .replace("2024-01-02T15:00:00.123456789Z", Instant.now().toString()));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "page-it-feeder");
            feeder.setDaemon(true);
            feeder.start();

            Path shot = Path.of("target/relay-page.png").toAbsolutePath();
            Files.deleteIfExists(shot);
            Path log = Path.of("target/relay-page-check.log").toAbsolutePath();
            Process node = new ProcessBuilder("node", "browser-test/page-check.mjs",
                    relay.httpUri() + "/?symbols=" + String.join(",", SYMBOLS), shot.toString())
                    .directory(frontend.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = node.waitFor(400, TimeUnit.SECONDS);
            if (!finished) {
                node.destroyForcibly();
            }
            String out = Files.readString(log);
            assertThat(finished).as("page check finished; output:%n%s", out).isTrue();
            assertThat(node.exitValue()).as("page check output:%n%s", out).isZero();
            assertThat(out).contains("RESULT ").contains("\"state\":\"live\"");
            assertThat(shot).exists();
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        } finally {
            stop.set(true);
            if (feeder != null) {
                feeder.interrupt();
                feeder.join(10_000);
            }
            redisClient.shutdown();
            upstream.stop(0);
        }
    }

    /** Thirty minute bars ending the minute before {@code now}, in the bars-query-service's JSON shape. */
    private static String history(String symbol, Instant now) {
        StringBuilder b = new StringBuilder("[");
        double p = symbol.equals("AAPL") ? 186.0 : 400.0;
        for (int i = 30; i >= 1; i--) {
            double open = p;
            double close = p + ((i * 37) % 9 - 4) * 0.12;
            double high = Math.max(open, close) + 0.2;
            double low = Math.min(open, close) - 0.2;
            p = close;
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(String.format(java.util.Locale.ROOT,
                    "{\"symbol\":\"%s\",\"timeframe\":\"1Min\",\"bar_ts\":\"%s\",\"open\":%.2f,\"high\":%.2f,"
                            + "\"low\":%.2f,\"close\":%.2f,\"volume\":%d,\"trade_count\":10,\"vwap\":%.2f,"
                            + "\"source\":\"stream\"}",
                    symbol, now.minus(i, ChronoUnit.MINUTES), open, high, low, close, 1000 + i * 10, (open + close) / 2));
        }
        return b.append(']').toString();
    }
}
