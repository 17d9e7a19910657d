package dev.stockpipe.relay;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards GETs to the bars-query-service with the JDK's asynchronous HTTP client: status, body and content
 * type pass through unchanged (its problem+json errors included); an unreachable upstream becomes a 502 and
 * a slow one a 504, both application/problem+json.
 */
public final class BarsProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BarsProxy.class);
    public static final String PROBLEM_JSON = "application/problem+json";

    /** What the relay answers: status, content type, body. */
    public record Reply(int status, String contentType, byte[] body) {}

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public BarsProxy(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** GET {@code base + path [+ ? + rawQuery]}; never fails, errors become problem replies. */
    public CompletableFuture<Reply> get(String path, String rawQuery) {
        URI target = URI.create(base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        HttpRequest req = HttpRequest.newBuilder(target).timeout(timeout).GET()
                .header("Accept", "application/json").build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Reply(r.statusCode(),
                        r.headers().firstValue("Content-Type").orElse("application/json"), r.body()))
                .exceptionally(e -> failure(target, e));
    }

    private Reply failure(URI target, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpTimeoutException) {
            LOG.warn("bars upstream {} timed out after {} ms", target, timeout.toMillis());
            return problem(504, "Gateway Timeout", "bars-query-service did not answer within " + timeout.toMillis()
                    + " ms");
        }
        String why = cause instanceof ConnectException ? "connection refused"
                : cause instanceof IOException ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                : cause.toString();
        LOG.warn("bars upstream {} unreachable: {}", target, why);
        return problem(502, "Bad Gateway", "bars-query-service at " + base + " is unreachable: " + why);
    }

    static Reply problem(int status, String title, String detail) {
        String json = "{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":" + status
                + ",\"detail\":\"" + escape(detail) + "\"}";
        return new Reply(status, PROBLEM_JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public URI base() {
        return base;
    }

    @Override
    public void close() {
        // HttpClient (Java 17) has no close; its threads are daemons and end with the process
    }
}
