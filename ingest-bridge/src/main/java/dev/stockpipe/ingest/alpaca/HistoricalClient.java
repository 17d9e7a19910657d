package dev.stockpipe.ingest.alpaca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.ingest.IngestMetrics;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alpaca historical REST (reference §7) for gap backfill: {@code /v2/stocks/trades} and {@code /v2/stocks/bars},
 * multi-symbol, paging until {@code next_page_token} is null, empty or repeated. Honours 429 (Retry-After or
 * X-RateLimit-Reset) and waits for the reset when X-RateLimit-Remaining reaches 0; retries 5xx and I/O errors
 * with backoff. Each REST object is handed on in the stream's shape: {@code T} and {@code S} first, then its own
 * fields unchanged.
 */
public final class HistoricalClient {
    private static final Logger log = LoggerFactory.getLogger(HistoricalClient.class);
    private static final int MAX_TRIES = 10;
    private static final Duration MAX_RATE_WAIT = Duration.ofSeconds(90);

    /** The request failed for good (a 4xx other than 429, or retries used up). */
    public static final class BackfillException extends RuntimeException {
        public BackfillException(String message) {
            super(message);
        }
    }

    private final URI base;
    private final String key;
    private final String secret;
    private final String feed;
    private final int pageLimit;
    private final StopSignal stop;
    private final IngestMetrics metrics;
    private final HttpClient http;

    public HistoricalClient(URI base, String key, String secret, String feed, int pageLimit, StopSignal stop, IngestMetrics metrics) {
        this.base = base;
        this.key = key;
        this.secret = secret;
        this.feed = feed;
        this.pageLimit = pageLimit;
        this.stop = stop;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Trades of {@code symbols} with start &lt;= t &lt;= end (null end = the server's now), as stream {@code "T":"t"} objects; returns the count. */
    public long trades(List<String> symbols, Instant start, Instant end, BiConsumer<String, ObjectNode> sink) {
        Map<String, String> q = params(symbols, start, end);
        return fetch("/v2/stocks/trades", q, "trades", "t", sink);
    }

    /** Minute bars with start &lt;= t &lt;= end, as stream {@code "T":"b"} objects; returns the count. */
    public long minuteBars(List<String> symbols, Instant start, Instant end, BiConsumer<String, ObjectNode> sink) {
        Map<String, String> q = params(symbols, start, end);
        q.put("timeframe", "1Min");
        q.put("adjustment", "raw");
        return fetch("/v2/stocks/bars", q, "bars", "b", sink);
    }

    private Map<String, String> params(List<String> symbols, Instant start, Instant end) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("symbols", String.join(",", symbols));
        q.put("start", MarketTime.formatInstant(start));
        if (end != null) {
            q.put("end", MarketTime.formatInstant(end));
        }
        q.put("limit", Integer.toString(pageLimit));
        q.put("feed", feed);
        q.put("sort", "asc");
        return q;
    }

    private long fetch(String path, Map<String, String> params, String field, String type, BiConsumer<String, ObjectNode> sink) {
        long count = 0;
        Set<String> seenTokens = new HashSet<>();
        String token = null;
        while (true) {
            Map<String, String> q = new LinkedHashMap<>(params);
            if (token != null) {
                q.put("page_token", token);
            }
            JsonNode body = get(path, q);
            JsonNode groups = body.get(field);
            if (groups != null && groups.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = groups.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isArray()) {
                        continue;
                    }
                    for (JsonNode item : e.getValue()) {
                        if (item.isObject()) {
                            sink.accept(e.getKey(), streamShape(type, e.getKey(), item));
                            count++;
                        }
                    }
                }
            }
            JsonNode next = body.get("next_page_token");
            token = next == null || next.isNull() ? null : next.asText();
            if (token == null || token.isEmpty() || !seenTokens.add(token)) {
                return count;
            }
        }
    }

    /** {@code {"T":type,"S":symbol, ...the REST object's fields}}: the raw-topic shape streams-app reads. */
    static ObjectNode streamShape(String type, String symbol, JsonNode item) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("T", type);
        out.put("S", symbol);
        Iterator<Map.Entry<String, JsonNode>> it = item.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("T") && !f.getKey().equals("S")) {
                out.set(f.getKey(), f.getValue());
            }
        }
        return out;
    }

    private JsonNode get(String path, Map<String, String> q) {
        StringBuilder url = new StringBuilder(base.toString().replaceAll("/+$", "")).append(path);
        char sep = '?';
        for (Map.Entry<String, String> e : q.entrySet()) {
            url.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofSeconds(30))
                .header("APCA-API-KEY-ID", key)
                .header("APCA-API-SECRET-KEY", secret)
                .header("Accept", "application/json")
                .GET().build();
        long backoffMs = 500;
        for (int attempt = 1; ; attempt++) {
            if (stop.stopped()) {
                throw new BackfillException("shutdown during backfill");
            }
            HttpResponse<byte[]> resp;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt >= MAX_TRIES) {
                    throw new BackfillException(path + " failed " + attempt + " times: " + e);
                }
                log.warn("{} request failed ({}); retrying in {} ms", path, e.toString(), backoffMs);
                pause(Duration.ofMillis(backoffMs));
                backoffMs = Math.min(10_000, backoffMs * 2);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackfillException("interrupted");
            }
            int code = resp.statusCode();
            if (code == 200) {
                respectRemaining(resp);
                try {
                    return Json.MAPPER.readTree(resp.body());
                } catch (IOException e) {
                    throw new BackfillException(path + " answered invalid JSON: " + e.getMessage());
                }
            }
            if (code == 429) {
                metrics.backfillRateLimited.increment();
                Duration wait = rateLimitWait(resp, Duration.ofSeconds(1));
                if (attempt >= MAX_TRIES * 2) {
                    throw new BackfillException(path + " still rate-limited after " + attempt + " tries");
                }
                log.warn("{} answered 429 (rate limit); waiting {} ms as the server asks", path, wait.toMillis());
                pause(wait);
                continue;
            }
            if (code >= 500 && attempt < MAX_TRIES) {
                log.warn("{} answered {}; retrying in {} ms", path, code, backoffMs);
                pause(Duration.ofMillis(backoffMs));
                backoffMs = Math.min(10_000, backoffMs * 2);
                continue;
            }
            throw new BackfillException(path + " answered HTTP " + code + ": " + message(resp.body()));
        }
    }

    private void respectRemaining(HttpResponse<?> resp) {
        String remaining = resp.headers().firstValue("X-RateLimit-Remaining").orElse(null);
        if (remaining != null && remaining.trim().equals("0")) {
            Duration wait = rateLimitWait(resp, Duration.ZERO);
            if (!wait.isZero()) {
                log.info("REST rate limit used up; waiting {} ms for X-RateLimit-Reset", wait.toMillis());
                pause(wait);
            }
        }
    }

    /** Retry-After (seconds) first, else X-RateLimit-Reset (Unix seconds) minus now, capped. */
    static Duration rateLimitWait(HttpResponse<?> resp, Duration fallback) {
        Duration d = null;
        String ra = resp.headers().firstValue("Retry-After").orElse(null);
        if (ra != null) {
            try {
                d = Duration.ofSeconds(Long.parseLong(ra.trim()));
            } catch (NumberFormatException ignored) {
                // HTTP-date form is not used by Alpaca; fall through to the reset header.
            }
        }
        if (d == null) {
            String reset = resp.headers().firstValue("X-RateLimit-Reset").orElse(null);
            if (reset != null) {
                try {
                    long ms = Long.parseLong(reset.trim()) * 1000 - System.currentTimeMillis();
                    d = Duration.ofMillis(Math.max(0, ms) + 100);
                } catch (NumberFormatException ignored) {
                    d = null;
                }
            }
        }
        if (d == null) {
            d = fallback;
        }
        return d.compareTo(MAX_RATE_WAIT) > 0 ? MAX_RATE_WAIT : d;
    }

    private void pause(Duration d) {
        if (!stop.await(d)) {
            throw new BackfillException("shutdown during backfill");
        }
    }

    private static String message(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show the start of the text
        }
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
