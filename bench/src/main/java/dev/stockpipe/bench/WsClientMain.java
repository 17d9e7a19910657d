package dev.stockpipe.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The WebSocket client fleet of flow A, in its own JVM: N JDK HttpClient WebSockets (asynchronous,
 * non-blocking; two selector/executor threads in all), each subscribed to one symbol. Each live trade's
 * latency is now − {@code received_at} (epoch nanos stamped by ingest-bridge on frame arrival), read by a
 * substring scan rather than a JSON parse so the clients stay cheaper than the relay they measure.
 *
 * <p>With {@code sio} as the connect command's fifth word the clients speak Socket.IO (Engine.IO v4 over the
 * WebSocket transport, {@code /socket.io/?EIO=4&transport=websocket}): open packet {@code 0{..}} → send {@code 40},
 * connect ack {@code 40{..}} → send {@code 42["subscribe","SYM"]}, ping {@code 2} → pong {@code 3}; trades arrive as
 * {@code 42["trade",{..live event..}]}, whose {@code received_at} is scanned the same way.
 *
 * <p>Driven over stdin/stdout by {@link FlowA}: {@code connect <url> <n> <SYM,SYM,..> [ws|sio]}, {@code reset},
 * {@code report}, {@code close}, {@code quit}; prints {@code TICK <ms> <trades>} every second.
 */
public final class WsClientMain {
    private static final long BASE_EPOCH_NANOS;
    private static final long BASE_NANO_TIME;

    static {
        long[] base = EpochCalibration.calibrate();
        BASE_EPOCH_NANOS = base[0];
        BASE_NANO_TIME = base[1];
    }

    /** What a Socket.IO text frame is, as far as the client cares ({@link #sioKind}). */
    enum SioKind { OPEN, CONNECTED, PING, TRADE, SUBSCRIBED, ERROR, OTHER }

    private static final byte[] RECEIVED_AT = "\"received_at\":".getBytes(StandardCharsets.US_ASCII);

    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "ws-client");
                t.setDaemon(true);
                return t;
            })).connectTimeout(Duration.ofSeconds(10)).build();
    private final List<Client> clients = new ArrayList<>();
    private final Recorder recorder = new Recorder(3_600_000_000_000L, 3);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong negative = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** Everything since the last reset: report may be asked many times while the pipe drains. */
    private final Histogram accumulated = new Histogram(3_600_000_000_000L, 3);
    private volatile boolean closing;

    private final class Client implements WebSocket.Listener {
        final String symbol;
        final boolean sio;
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        final AtomicLong trades = new AtomicLong();
        volatile boolean closed;
        volatile WebSocket ws;

        Client(String symbol, boolean sio) {
            this.symbol = symbol;
            this.sio = sio;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            if (!sio) { // Socket.IO subscribes once the Engine.IO open and Socket.IO connect are through
                webSocket.sendText("{\"action\":\"subscribe\",\"symbols\":[\"" + symbol + "\"]}", true);
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = BASE_EPOCH_NANOS + (System.nanoTime() - BASE_NANO_TIME);
            CharSequence msg = data;
            if (!last || partial.length() > 0) {
                partial.append(data);
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
                msg = partial.toString();
                partial.setLength(0);
            }
            if (sio) {
                onSioMessage(webSocket, msg, now);
            } else {
                onMessage(msg, now);
            }
            webSocket.request(1);
            return null;
        }

        private void onSioMessage(WebSocket webSocket, CharSequence msg, long now) {
            switch (sioKind(msg)) {
                case TRADE -> trade(msg, now);
                case PING -> webSocket.sendText("3", true);
                case OPEN -> webSocket.sendText("40", true);
                case CONNECTED -> webSocket.sendText("42[\"subscribe\",\"" + symbol + "\"]", true);
                case SUBSCRIBED -> subscribed.complete(null);
                case ERROR -> errors.incrementAndGet();
                default -> { } // bars, noops: not measured
            }
        }

        private void trade(CharSequence msg, long now) {
            long receivedAt = receivedAt(msg);
            if (receivedAt > 0) {
                long latency = now - receivedAt;
                if (latency < 0) {
                    negative.incrementAndGet();
                    latency = 0;
                }
                recorder.recordValue(Math.min(latency, 3_600_000_000_000L));
            }
            trades.incrementAndGet();
            total.incrementAndGet();
        }

        private void onMessage(CharSequence msg, long now) {
            if (startsWith(msg, "{\"type\":\"trade\"")) {
                trade(msg, now);
            } else if (startsWith(msg, "{\"type\":\"subscribed\"")) {
                subscribed.complete(null);
            } else if (startsWith(msg, "{\"type\":\"error\"")) {
                errors.incrementAndGet();
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            if (statusCode != WebSocket.NORMAL_CLOSURE && !closing) {
                errors.incrementAndGet();
                System.out.println("CLOSEDBYSERVER " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
            errors.incrementAndGet();
            subscribed.completeExceptionally(error);
        }
    }

    static boolean startsWith(CharSequence s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Classifies a Socket.IO-over-Engine.IO text frame by its prefix only (no JSON parse): {@code 0} open,
     * {@code 40} connect ack, {@code 44} connect error, {@code 2} ping, {@code 42["trade",..]} / {@code 42["subscribed",..]}
     * / {@code 42["error",..]} events; anything else (bars, noops, other events) is OTHER.
     */
    static SioKind sioKind(CharSequence s) {
        if (s.length() == 0) {
            return SioKind.OTHER;
        }
        char c = s.charAt(0);
        if (c == '2' && s.length() == 1) {
            return SioKind.PING;
        }
        if (c == '0') {
            return SioKind.OPEN;
        }
        if (c != '4' || s.length() < 2) {
            return SioKind.OTHER;
        }
        char t = s.charAt(1);
        if (t == '0') {
            return SioKind.CONNECTED;
        }
        if (t == '4') {
            return SioKind.ERROR;
        }
        if (t == '2') {
            if (startsWith(s, "42[\"trade\",")) {
                return SioKind.TRADE;
            }
            if (startsWith(s, "42[\"subscribed\",")) {
                return SioKind.SUBSCRIBED;
            }
            if (startsWith(s, "42[\"error\",")) {
                return SioKind.ERROR;
            }
        }
        return SioKind.OTHER;
    }

    /** The digits after "received_at": (the last field of a live event, so scan from the end). */
    static long receivedAt(CharSequence s) {
        outer:
        for (int i = s.length() - RECEIVED_AT.length; i >= 0; i--) {
            for (int k = 0; k < RECEIVED_AT.length; k++) {
                if (s.charAt(i + k) != RECEIVED_AT[k]) {
                    continue outer;
                }
            }
            long v = 0;
            boolean any = false;
            for (int j = i + RECEIVED_AT.length; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
                any = true;
            }
            return any ? v : -1;
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        new WsClientMain().loop();
    }

    private void loop() throws Exception {
        long start = System.nanoTime();
        var ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tick");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> out("TICK " + (System.nanoTime() - start) / 1_000_000 + " " + total.get()),
                1, 1, TimeUnit.SECONDS);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] p = line.trim().split(" ");
            try {
                switch (p[0]) {
                    case "connect" -> connect(p[1], Integer.parseInt(p[2]), p[3].split(","), p.length > 4 && "sio".equals(p[4]));
                    case "reset" -> {
                        recorder.reset();
                        synchronized (accumulated) {
                            accumulated.reset();
                        }
                        total.set(0);
                        negative.set(0);
                        errors.set(0);
                        for (Client c : clients) {
                            c.trades.set(0);
                        }
                        out("RESET");
                    }
                    case "report" -> out("REPORT " + report());
                    case "count" -> out("COUNT " + total.get());
                    case "close" -> {
                        closeAll();
                        out("CLOSED");
                    }
                    case "quit" -> {
                        closeAll();
                        out("BYE");
                        System.exit(0);
                    }
                    default -> out("ERROR unknown command " + p[0]);
                }
            } catch (Exception e) {
                Throwable c = e;
                while (c.getCause() != null && c.getCause() != c) {
                    c = c.getCause();
                }
                String detail = c instanceof java.net.http.WebSocketHandshakeException
                        ? " (HTTP " + ((java.net.http.WebSocketHandshakeException) c).getResponse().statusCode() + " "
                        + ((java.net.http.WebSocketHandshakeException) c).getResponse().headers().map() + ")" : "";
                out("ERROR " + (e + " caused by " + c + detail).replace('\n', ' '));
            }
        }
        System.exit(0);
    }

    private void connect(String url, int n, String[] symbols, boolean sio) throws Exception {
        closing = false;
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Client c = new Client(symbols[i % symbols.length], sio);
            clients.add(c);
            ready.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(URI.create(url), c)
                    .thenCompose(ws -> c.subscribed));
            if (i % 20 == 19) {
                Thread.sleep(20); // do not flood the relay's accept queue
            }
        }
        CompletableFuture.allOf(ready.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        out("CONNECTED " + n);
    }

    private void closeAll() {
        closing = true;
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (Client c : clients) {
            if (c.ws != null && !c.closed) {
                closing.add(c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null));
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // abort whatever did not close in time
        }
        for (Client c : clients) {
            if (c.ws != null) {
                c.ws.abort();
            }
        }
        clients.clear();
    }

    private String report() {
        Histogram h;
        synchronized (accumulated) {
            accumulated.add(recorder.getIntervalHistogram());
            h = accumulated.copy();
        }
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        Map<String, Long> perSymbol = new LinkedHashMap<>();
        long minPerClient = Long.MAX_VALUE;
        long maxPerClient = 0;
        int closed = 0;
        for (Client c : clients) {
            long t = c.trades.get();
            perSymbol.merge(c.symbol, t, Long::sum);
            minPerClient = Math.min(minPerClient, t);
            maxPerClient = Math.max(maxPerClient, t);
            closed += c.closed ? 1 : 0;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"total\":").append(total.get());
        sb.append(",\"negative\":").append(negative.get());
        sb.append(",\"errors\":").append(errors.get());
        sb.append(",\"closed\":").append(closed);
        sb.append(",\"clients\":").append(clients.size());
        sb.append(",\"min_per_client\":").append(clients.isEmpty() ? 0 : minPerClient);
        sb.append(",\"max_per_client\":").append(maxPerClient);
        sb.append(",\"cpu_ns\":").append(os.getProcessCpuTime());
        sb.append(",\"per_symbol\":{");
        int i = 0;
        for (Map.Entry<String, Long> e : perSymbol.entrySet()) {
            sb.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        byte[] bytes = new byte[len];
        buf.flip();
        buf.get(bytes);
        sb.append("},\"histogram\":\"").append(Base64.getEncoder().encodeToString(bytes)).append("\"}");
        return sb.toString();
    }

    private static synchronized void out(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
