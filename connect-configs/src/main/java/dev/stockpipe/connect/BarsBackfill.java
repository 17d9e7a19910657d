package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaFrames;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Pulls historical bars from Alpaca's REST API ({@code GET /v2/stocks/bars}, paged) and produces each as
 * one Alpaca {@code b} (or {@code d}) message into {@code stocks.bars.raw} with header {@code source=backfill},
 * so they pass through streams-app like live bars. 429 and 5xx are retried with capped, jittered backoff,
 * honouring {@code Retry-After} / {@code X-RateLimit-Reset}.
 */
public final class BarsBackfill {
    static final int MAX_RETRIES = 10;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String key;
    private final String secret;
    private final String feed;
    private final int limit;
    private final PrintStream out;

    public BarsBackfill(URI base, String key, String secret, String feed, int limit, PrintStream out) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("page limit " + limit + " must be 1..10000");
        }
        this.limit = limit;
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.key = key;
        this.secret = secret;
        this.feed = feed;
        this.out = out;
    }

    public record Summary(long bars, int pages, int retries, Duration took) {}

    public Summary run(List<String> symbols, Instant start, Instant end, Timeframe timeframe, String topic,
                       Producer<String, byte[]> producer) throws InterruptedException {
        if (timeframe != Timeframe.MIN_1 && timeframe != Timeframe.DAY_1) {
            throw new IllegalArgumentException("--timeframe must be 1Min or 1Day (the stored timeframes)");
        }
        AlpacaBar.Kind kind = timeframe == Timeframe.DAY_1 ? AlpacaBar.Kind.DAILY : AlpacaBar.Kind.MINUTE;
        Instant started = Instant.now();
        long bars = 0;
        int pages = 0;
        int[] retries = {0};
        Set<String> seenTokens = new HashSet<>();
        String token = null;
        do {
            JsonNode page = fetch(symbols, start, end, timeframe, token, retries);
            pages++;
            long inPage = 0;
            Iterator<Map.Entry<String, JsonNode>> it = page.path("bars").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                for (JsonNode b : e.getValue()) {
                    AlpacaBar bar = toBar(kind, e.getKey(), b);
                    ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, bar.symbol(), AlpacaFrames.toJsonObject(bar));
                    rec.headers().add(RecordHeaders.SOURCE, RecordHeaders.SOURCE_BACKFILL.getBytes(StandardCharsets.UTF_8));
                    rec.headers().add(RecordHeaders.FEED, feed.getBytes(StandardCharsets.UTF_8));
                    rec.headers().add(RecordHeaders.RECEIVED_AT, Long.toString(nowNanos()).getBytes(StandardCharsets.UTF_8));
                    producer.send(rec);
                    inPage++;
                }
            }
            bars += inPage;
            out.printf("  page %d: %d bar(s), %d so far%n", pages, inPage, bars);
            JsonNode next = page.get("next_page_token");
            token = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
            // A repeated token would loop forever (and a client that stops there silently truncates).
            if (token != null && !seenTokens.add(token)) {
                throw new IllegalStateException("the server repeated page token " + token + " after " + bars + " bars");
            }
        } while (token != null);
        producer.flush();
        return new Summary(bars, pages, retries[0], Duration.between(started, Instant.now()));
    }

    private JsonNode fetch(List<String> symbols, Instant start, Instant end, Timeframe tf, String token, int[] retries)
            throws InterruptedException {
        StringBuilder q = new StringBuilder(base + "/v2/stocks/bars?symbols=" + enc(String.join(",", symbols))
                + "&timeframe=" + tf.label() + "&start=" + enc(start.toString()) + "&end=" + enc(end.toString())
                + "&limit=" + limit + "&adjustment=raw&sort=asc&feed=" + enc(feed));
        if (token != null) {
            q.append("&page_token=").append(enc(token));
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(q.toString())).timeout(Duration.ofSeconds(60))
                .header("APCA-API-KEY-ID", key).header("APCA-API-SECRET-KEY", secret)
                .header("Accept", "application/json").GET().build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt > MAX_RETRIES) {
                    throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage(), e);
                }
                retries[0]++;
                Thread.sleep(backoff(attempt).toMillis());
                continue;
            }
            int sc = r.statusCode();
            if (sc == 200) {
                try {
                    return Json.MAPPER.readTree(r.body());
                } catch (IOException e) {
                    throw new IllegalStateException("bars page is not JSON: " + e.getMessage(), e);
                }
            }
            if ((sc == 429 || sc >= 500) && attempt <= MAX_RETRIES) {
                Duration wait = retryAfter(r).orElse(backoff(attempt));
                out.printf("  HTTP %d, retrying in %d ms (attempt %d/%d)%n", sc, wait.toMillis(), attempt, MAX_RETRIES);
                retries[0]++;
                Thread.sleep(wait.toMillis());
                continue;
            }
            throw new IllegalStateException("GET /v2/stocks/bars -> HTTP " + sc + ": " + message(r.body()));
        }
    }

    static AlpacaBar toBar(AlpacaBar.Kind kind, String symbol, JsonNode b) {
        return new AlpacaBar(kind, symbol, b.path("o").decimalValue(), b.path("h").decimalValue(), b.path("l").decimalValue(),
                b.path("c").decimalValue(), b.path("v").asLong(), b.hasNonNull("n") ? b.get("n").asLong() : null,
                b.hasNonNull("vw") ? b.get("vw").decimalValue() : null, Instant.parse(b.path("t").asText()));
    }

    /** Exponential from 500 ms, capped, with full jitter. */
    static Duration backoff(int attempt) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(attempt - 1, 10));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> r) {
        java.util.Optional<String> ra = r.headers().firstValue("Retry-After");
        try {
            if (ra.isPresent()) {
                return java.util.Optional.of(cap(Duration.ofSeconds(Long.parseLong(ra.get().trim()))));
            }
            java.util.Optional<String> reset = r.headers().firstValue("X-RateLimit-Reset");
            if (reset.isPresent()) {
                long secs = Long.parseLong(reset.get().trim()) - Instant.now().getEpochSecond();
                return java.util.Optional.of(cap(Duration.ofSeconds(Math.max(1, secs))));
            }
        } catch (NumberFormatException e) {
            // fall back to our own backoff
        }
        return java.util.Optional.empty();
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private static String message(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n.hasNonNull("message") ? n.get("message").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
