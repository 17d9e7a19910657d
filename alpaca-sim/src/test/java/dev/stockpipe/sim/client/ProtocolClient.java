package dev.stockpipe.sim.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferOutput;
import org.msgpack.value.ValueType;

/**
 * A client that speaks only Alpaca's protocol, as the reference describes it: the JDK WebSocket, JSON via
 * its own Jackson mapper, MessagePack via msgpack-core. It knows nothing of the simulator's classes.
 * Every server frame is decoded into maps (msgpack timestamps become {@link Instant}, float64 stays
 * {@link Double}); frames that do not decode are kept as {@link #undecodable}.
 */
public final class ProtocolClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public final boolean msgpack;
    /** Synchronized lists (copy-on-write would be quadratic at 100k messages); read them through {@link #snapshot()}. */
    public final List<List<Map<String, Object>>> frames = Collections.synchronizedList(new ArrayList<>());
    public final List<Map<String, Object>> messages = Collections.synchronizedList(new ArrayList<>());
    public final List<String> undecodable = new CopyOnWriteArrayList<>();
    public final List<Boolean> firstKeyIsT = Collections.synchronizedList(new ArrayList<>());
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    public final AtomicInteger pongs = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile boolean stalled;
    private WebSocket ws;

    private ProtocolClient(boolean msgpack) {
        this.msgpack = msgpack;
    }

    public static ProtocolClient connect(String uri, boolean msgpack) {
        return connect(uri, msgpack, Map.of());
    }

    /** Opens the socket; {@code Content-Type: application/msgpack} asks for MessagePack frames (§3). */
    public static ProtocolClient connect(String uri, boolean msgpack, Map<String, String> headers) {
        ProtocolClient c = new ProtocolClient(msgpack);
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (msgpack) {
            b.header("Content-Type", "application/msgpack");
        }
        headers.forEach(b::header);
        c.ws = b.buildAsync(URI.create(uri), c).join();
        return c;
    }

    // ------------------------------------------------------------------ sending

    /** Sends a client message in the session's encoding: a JSON text frame or a MessagePack binary frame. */
    public void send(Map<String, Object> message) {
        if (msgpack) {
            ws.sendBinary(ByteBuffer.wrap(pack(message)), true).join();
        } else {
            sendText(toJson(message));
        }
    }

    public void sendText(String s) {
        ws.sendText(s, true).join();
    }

    public void sendTextFragments(String first, String last) {
        ws.sendText(first, false).join();
        ws.sendText(last, true).join();
    }

    public void sendBinary(byte[] b) {
        ws.sendBinary(ByteBuffer.wrap(b), true).join();
    }

    public void ping() {
        ws.sendPing(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8))).join();
    }

    public void auth(String key, String secret) {
        send(map("action", "auth", "key", key, "secret", secret));
    }

    /** Stops reading: the socket's buffers fill and the server sees a slow client. */
    public void stall() {
        stalled = true;
    }

    public void unstall() {
        stalled = false;
        ws.request(Long.MAX_VALUE / 2);
    }

    public boolean isClosed() {
        return closed.isDone() || ws.isInputClosed();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        ws.abort();
    }

    public void abort() {
        ws.abort();
    }

    // ------------------------------------------------------------------ receiving

    /** A copy of every message received so far, in order. */
    public List<Map<String, Object>> snapshot() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    public List<List<Map<String, Object>>> frameSnapshot() {
        synchronized (frames) {
            return new ArrayList<>(frames);
        }
    }

    /** Messages received so far with this {@code T}. */
    public List<Map<String, Object>> ofType(String t) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : snapshot()) {
            if (t.equals(m.get("T"))) {
                out.add(m);
            }
        }
        return out;
    }

    public boolean has(Predicate<Map<String, Object>> p) {
        return snapshot().stream().anyMatch(p);
    }

    public static Predicate<Map<String, Object>> error(int code) {
        return m -> "error".equals(m.get("T")) && ((Number) m.get("code")).intValue() == code;
    }

    public static Predicate<Map<String, Object>> success(String msg) {
        return m -> "success".equals(m.get("T")) && msg.equals(m.get("msg"));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String frame = text.toString();
            text.setLength(0);
            try {
                received(JSON.readValue(frame, new TypeReference<List<LinkedHashMap<String, Object>>>() {}));
            } catch (IOException | RuntimeException e) {
                undecodable.add(frame);
            }
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.write(b, 0, b.length);
        if (last) {
            byte[] frame = binary.toByteArray();
            binary.reset();
            try {
                received(unpackFrame(frame));
            } catch (IOException | RuntimeException e) {
                undecodable.add("binary:" + frame.length);
            }
        }
        more(webSocket);
        return null;
    }

    private void more(WebSocket webSocket) {
        if (!stalled) {
            webSocket.request(1);
        }
    }

    @SuppressWarnings("unchecked")
    private void received(List<? extends Map<String, Object>> frame) {
        List<Map<String, Object>> f = new ArrayList<>();
        for (Map<String, Object> m : frame) {
            firstKeyIsT.add(!m.isEmpty() && m.keySet().iterator().next().equals("T"));
            f.add(m);
        }
        frames.add(Collections.unmodifiableList(f));
        messages.addAll(f);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    // ------------------------------------------------------------------ codecs (msgpack-core only)

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] pack(Object o) {
        ArrayBufferOutput out = new ArrayBufferOutput();
        try (MessagePacker p = MessagePack.newDefaultPacker(out)) {
            packValue(p, o);
            p.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void packValue(MessagePacker p, Object o) throws IOException {
        if (o instanceof String s) {
            p.packString(s);
        } else if (o instanceof Map<?, ?> m) {
            p.packMapHeader(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                p.packString((String) e.getKey());
                packValue(p, e.getValue());
            }
        } else if (o instanceof List<?> l) {
            p.packArrayHeader(l.size());
            for (Object e : l) {
                packValue(p, e);
            }
        } else if (o instanceof Integer || o instanceof Long) {
            p.packLong(((Number) o).longValue());
        } else if (o == null) {
            p.packNil();
        } else {
            throw new IllegalArgumentException("cannot pack " + o.getClass());
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> unpackFrame(byte[] frame) throws IOException {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(frame)) {
            Object v = unpackValue(u);
            if (u.hasNext()) {
                throw new IOException("trailing bytes");
            }
            return (List<Map<String, Object>>) v;
        }
    }

    private static Object unpackValue(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        ValueType t = f.getValueType();
        switch (t) {
            case NIL: u.unpackNil(); return null;
            case BOOLEAN: return u.unpackBoolean();
            case INTEGER: return u.unpackLong();
            case FLOAT: return f == MessageFormat.FLOAT32 ? (Object) u.unpackFloat() : (Object) u.unpackDouble();
            case STRING: return u.unpackString();
            case ARRAY: {
                int n = u.unpackArrayHeader();
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(unpackValue(u));
                }
                return l;
            }
            case MAP: {
                int n = u.unpackMapHeader();
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(u.unpackString(), unpackValue(u));
                }
                return m;
            }
            case EXTENSION: {
                var h = u.unpackExtensionTypeHeader();
                if (h.getType() == -1) {
                    return u.unpackTimestamp(h);
                }
                throw new IOException("unexpected extension " + h.getType());
            }
            default: throw new IOException("unexpected " + t);
        }
    }
}
