package dev.stockpipe.relay;

import dev.stockpipe.relay.core.FanOut;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /health}: 200 while the Redis subscription (the live path) works, 503 otherwise; the bars upstream
 * is reported but does not fail it. {@code GET /metrics}: Prometheus text.
 */
@Controller
public class OpsController {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final RedisPriceSubscriber redis;
    private final BarsProxy bars;
    private final FanOut fanOut;
    private final PrometheusMeterRegistry registry;

    public OpsController(RedisPriceSubscriber redis, BarsProxy bars, FanOut fanOut, PrometheusMeterRegistry registry) {
        this.redis = redis;
        this.bars = bars;
        this.fanOut = fanOut;
        this.registry = registry;
    }

    @Get("/health")
    public CompletableFuture<MutableHttpResponse<String>> health() {
        CompletableFuture<Boolean> redisUp = redis.ping(CHECK_TIMEOUT).toCompletableFuture();
        CompletableFuture<Integer> upstream = bars.get("/health", null)
                .thenApply(BarsProxy.Reply::status)
                .completeOnTimeout(504, CHECK_TIMEOUT.toMillis() + 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        return redisUp.thenCombine(upstream, (r, u) -> {
            boolean upOk = u >= 200 && u < 300;
            String body = "{\"status\":\"" + (r ? "UP" : "DOWN") + "\",\"redis\":{\"status\":\"" + (r ? "UP" : "DOWN")
                    + "\"},\"bars_upstream\":{\"status\":\"" + (upOk ? "UP" : "DOWN") + "\",\"http_status\":" + u
                    + ",\"url\":\"" + bars.base() + "\"},\"clients\":" + fanOut.clientCount() + "}";
            return HttpResponse.<String>status(r ? 200 : 503, null).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(body);
        });
    }

    @Get("/metrics")
    public MutableHttpResponse<byte[]> metrics() {
        return HttpResponse.ok(registry.scrape().getBytes(StandardCharsets.UTF_8))
                .contentType(MediaType.of("text/plain; version=0.0.4; charset=utf-8"));
    }
}
