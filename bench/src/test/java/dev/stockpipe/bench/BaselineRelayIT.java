package dev.stockpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.localstack.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The baseline relay speaks enough WebSocket for the JDK client, and forwards only subscribed symbols. */
@Timeout(60)
class BaselineRelayIT {

    @Test
    void shouldForwardPublishedEventsOfSubscribedSymbolsOnly() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(0); BaselineRelayMain relay = new BaselineRelayMain()) {
            int port = relay.start("127.0.0.1", 0, redis.host(), redis.port(), "it:trades");
            Thread t = new Thread(relay::acceptLoop, "baseline-it");
            t.setDaemon(true);
            t.start();

            List<String> got = new CopyOnWriteArrayList<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            got.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get();
            ws.sendText("{\"action\":\"subscribe\",\"symbols\":[\"AAPL\"]}", true).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(m -> m.startsWith("{\"type\":\"subscribed\"")));

            RedisClient client = RedisClient.create(redis.uri());
            try (var conn = client.connect()) {
                conn.sync().publish("it:trades", "{\"type\":\"trade\",\"symbol\":\"MSFT\",\"price\":1,\"received_at\":1}");
                conn.sync().publish("it:trades", "{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":2,\"received_at\":2}");
            } finally {
                client.shutdown();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(m -> m.contains("\"AAPL\",\"price\":2")));
            assertThat(got).noneMatch(m -> m.contains("MSFT"));
            ws.abort();
        }
    }

    @Test
    void shouldComputeTheRfc6455AcceptValue() {
        assertThat(BaselineRelayMain.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
