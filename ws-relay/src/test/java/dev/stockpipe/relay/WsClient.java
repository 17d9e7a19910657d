package dev.stockpipe.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that records every text message it gets, and how it was closed. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static WsClient connect(HttpClient http, URI uri) {
        WsClient c = new WsClient();
        c.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, c)
                .orTimeout(20, TimeUnit.SECONDS).join();
        return c;
    }

    void send(String text) {
        ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    /** Parsed messages of one type. */
    List<JsonNode> ofType(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (String m : messages) {
            try {
                JsonNode n = Json.MAPPER.readTree(m);
                if (type.equals(n.path("type").asText())) {
                    out.add(n);
                }
            } catch (Exception e) {
                throw new AssertionError("server sent invalid JSON: " + m, e);
            }
        }
        return out;
    }

    long count(String type) {
        return messages.stream().filter(m -> m.startsWith("{\"type\":\"" + type + "\"")).count();
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
