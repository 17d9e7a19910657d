package dev.stockpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.localstack.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestStackExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisIT {

    @Test
    void shouldDeliverPublishedMessageToSubscriber(EmbeddedRedis redis, TestInfo info) throws Exception {
        String channel = "stock:" + TestNames.unique(info);
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             var pub = client.connect()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    if (ch.equals(channel)) {
                        received.add(message);
                    }
                }
            });
            sub.sync().subscribe(channel);
            // PUBLISH returns the number of receivers: wait until our subscription is registered.
            await().atMost(Duration.ofSeconds(10)).until(() -> pub.sync().publish(channel, "{\"symbol\":\"AAPL\"}") > 0);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"symbol\":\"AAPL\"}");
        } finally {
            client.shutdown();
        }
        assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
    }
}
