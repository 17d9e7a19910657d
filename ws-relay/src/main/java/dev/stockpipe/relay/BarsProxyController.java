package dev.stockpipe.relay;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** {@code /api/bars/**} → {@code BARS_API_URL/bars/**}, query string and status passed through. */
@Controller("/api/bars")
public class BarsProxyController {
    private final BarsProxy proxy;

    public BarsProxyController(BarsProxy proxy) {
        this.proxy = proxy;
    }

    @Get("/latest")
    public CompletableFuture<MutableHttpResponse<byte[]>> latest(HttpRequest<?> request) {
        return forward("/bars/latest", request);
    }

    @Get("/{symbol}")
    public CompletableFuture<MutableHttpResponse<byte[]>> bars(@PathVariable String symbol, HttpRequest<?> request) {
        return forward("/bars/" + segment(symbol), request);
    }

    @Get("/{symbol}/range")
    public CompletableFuture<MutableHttpResponse<byte[]>> range(@PathVariable String symbol, HttpRequest<?> request) {
        return forward("/bars/" + segment(symbol) + "/range", request);
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> forward(String path, HttpRequest<?> request) {
        return proxy.get(path, request.getUri().getRawQuery()).thenApply(r -> HttpResponse.<byte[]>status(r.status(),
                        null)
                .contentType(MediaType.of(r.contentType())).body(r.body()));
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
