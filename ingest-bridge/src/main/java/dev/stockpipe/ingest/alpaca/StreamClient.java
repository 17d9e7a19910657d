package dev.stockpipe.ingest.alpaca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.ingest.IngestMetrics;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.alpaca.AlpacaError;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaSubscription;
import dev.stockpipe.model.alpaca.AlpacaSuccess;
import dev.stockpipe.model.alpaca.MsgpackTree;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alpaca market-data stream client (reference §2): connect, wait for {@code connected}, authenticate by message,
 * subscribe, check the {@code subscription} reply, then hand every data frame to the {@link StreamHandler}.
 * Heartbeat: a WebSocket ping every {@code pingInterval}, dead when unanswered for {@code pongTimeout}, and dead
 * after {@code silenceTimeout} without any message. Reconnects by {@link ReconnectPolicy}; 402 (bad key) and
 * 409/411 (not in plan) stop it. Runs its loop on its own thread; {@link #close()} ends it cleanly.
 */
public final class StreamClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamClient.class);
    private static final int SYMBOLS_PER_SUBSCRIBE = 100;
    static final List<String> CHANNELS = List.of("trades", "bars", "updatedBars", "dailyBars");

    /** Connection parameters. */
    public record Settings(URI url, Encoding encoding, String key, String secret, List<String> symbols,
                           Duration pingInterval, Duration pongTimeout, Duration silenceTimeout, Duration handshakeTimeout) {}

    /** Public state for /health. */
    public enum State { STARTING, CONNECTING, AUTHENTICATING, SUBSCRIBING, STREAMING, WAITING, AUTH_FAILED, NOT_PERMITTED, STOPPED }

    enum End { STOPPED, CLOSED, FAILED, DEAD, HANDSHAKE_TIMEOUT, AUTH_FAILED, NOT_PERMITTED, CONNECTION_LIMIT, RATE_LIMITED, SLOW_CLIENT, SERVER_ERROR }

    record Outcome(End end, String detail, Duration retryAfter) {}

    private final Settings settings;
    private final StreamHandler handler;
    private final ReconnectPolicy policy;
    private final StopSignal stop;
    private final IngestMetrics metrics;
    private final FrameParser frames;
    private final AlpacaParser parser = AlpacaParser.system();
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final Thread loop;
    private final AtomicLong sessionCounter = new AtomicLong();

    private volatile State state = State.STARTING;
    private volatile boolean connected;
    private volatile boolean authenticated;
    private volatile boolean subscribed;
    private volatile long lastMessageNanos;
    private volatile Session current;
    private volatile boolean everSubscribed;

    public StreamClient(Settings settings, StreamHandler handler, ReconnectPolicy policy, StopSignal stop, IngestMetrics metrics) {
        this.settings = settings;
        this.handler = handler;
        this.policy = policy;
        this.stop = stop;
        this.metrics = metrics;
        this.frames = new FrameParser();
        this.http = HttpClient.newBuilder().connectTimeout(settings.handshakeTimeout()).build();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alpaca-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, "alpaca-stream");
    }

    public void start() {
        loop.start();
    }

    public State state() {
        return state;
    }

    public boolean connected() {
        return connected;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** Nanos since the last frame or pong, or -1 before the first. */
    public long lastMessageAgeNanos() {
        long t = lastMessageNanos;
        return t == 0 ? -1 : System.nanoTime() - t;
    }

    private void run() {
        while (!stop.stopped()) {
            Outcome o = runSession();
            connected = false;
            authenticated = false;
            subscribed = false;
            if (o.end() == End.STOPPED || stop.stopped()) {
                break;
            }
            if (o.end() == End.AUTH_FAILED) {
                state = State.AUTH_FAILED;
                log.error("Alpaca rejected the key ({}): the key ID or secret is wrong. Check ALPACA_API_KEY and "
                        + "ALPACA_API_SECRET (or ALPACA_SIM_KEY/ALPACA_SIM_SECRET for the simulator). Not reconnecting.", o.detail());
                return;
            }
            if (o.end() == End.NOT_PERMITTED) {
                state = State.NOT_PERMITTED;
                log.error("Alpaca refused the stream ({}): the account's plan does not include this feed or scope. "
                        + "Not reconnecting.", o.detail());
                return;
            }
            ReconnectPolicy.Cause cause = switch (o.end()) {
                case CONNECTION_LIMIT -> ReconnectPolicy.Cause.CONNECTION_LIMIT;
                case RATE_LIMITED -> ReconnectPolicy.Cause.RATE_LIMITED;
                default -> ReconnectPolicy.Cause.DISCONNECTED;
            };
            Duration delay = policy.nextDelay(cause, o.retryAfter());
            metrics.reconnect(o.end().name().toLowerCase()).increment();
            state = State.WAITING;
            if (cause == ReconnectPolicy.Cause.CONNECTION_LIMIT) {
                log.warn("406 connection limit exceeded ({}): another session uses this key, or the server still holds a "
                        + "dropped one (~90 s). Waiting {} ms before reconnecting.", o.detail(), delay.toMillis());
            } else if (cause == ReconnectPolicy.Cause.RATE_LIMITED) {
                log.warn("HTTP 429 at the upgrade ({}): reconnecting too fast. Waiting {} ms.", o.detail(), delay.toMillis());
            } else {
                log.warn("stream session ended: {} ({}); reconnect attempt {} in {} ms",
                        o.end(), o.detail(), policy.attempts(), delay.toMillis());
            }
            if (!stop.await(delay)) {
                break;
            }
        }
        state = State.STOPPED;
    }

    private Outcome runSession() {
        String id = "s" + Long.toString(System.currentTimeMillis(), 36) + "-" + sessionCounter.incrementAndGet();
        Session s = new Session(id);
        current = s;
        state = State.CONNECTING;
        Outcome o;
        try {
            WebSocket ws = http.newWebSocketBuilder()
                    .connectTimeout(settings.handshakeTimeout())
                    .header("Content-Type", settings.encoding().contentType())
                    .buildAsync(settings.url(), s)
                    .get(settings.handshakeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            s.opened(ws);
            if (stop.stopped()) {
                s.closeCleanly();
            }
            o = s.done.join();
            if (!stop.stopped()) {
                ws.abort();
            }
        } catch (ExecutionException e) {
            o = upgradeFailure(e.getCause());
            s.finish(o);
        } catch (TimeoutException e) {
            o = new Outcome(End.HANDSHAKE_TIMEOUT, "no WebSocket upgrade within " + settings.handshakeTimeout().toMillis() + " ms", null);
            s.finish(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            o = new Outcome(End.STOPPED, "interrupted", null);
            s.finish(o);
        }
        s.cancelTimers();
        current = null;
        handler.onSessionDown(id, o.end() + ": " + o.detail());
        return o;
    }

    private static Outcome upgradeFailure(Throwable cause) {
        if (cause instanceof WebSocketHandshakeException h) {
            int code = h.getResponse().statusCode();
            if (code == 429) {
                Duration hint = h.getResponse().headers().firstValue("Retry-After").flatMap(StreamClient::seconds).orElse(null);
                return new Outcome(End.RATE_LIMITED, "HTTP 429", hint);
            }
            return new Outcome(End.FAILED, "upgrade refused with HTTP " + code, null);
        }
        return new Outcome(End.FAILED, "connect failed: " + cause, null);
    }

    private static java.util.Optional<Duration> seconds(String v) {
        try {
            return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void close() {
        stop.stop();
        Session s = current;
        if (s != null) {
            s.closeCleanly();
        }
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        state = State.STOPPED;
    }

    /** One connection: its listener, handshake state machine and heartbeat. */
    private final class Session implements WebSocket.Listener {
        final String id;
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private volatile WebSocket ws;
        private volatile State phase = State.CONNECTING;
        private volatile long openedAt;
        private volatile long lastActivity;
        private volatile long lastPingAt;
        private volatile long pingSentAt;
        private volatile boolean slowClient;
        private volatile long processingSince;
        private int subscribeReplies;
        private int subscribeChunks;
        private ScheduledFuture<?> tick;

        Session(String id) {
            this.id = id;
        }

        void opened(WebSocket ws) {
            this.ws = ws;
            long now = System.nanoTime();
            openedAt = now;
            lastActivity = now;
            lastPingAt = now;
            connected = true;
            long period = Math.max(50, Math.min(250, settings.pongTimeout().toMillis() / 4));
            tick = timer.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
            log.info("stream session {} connected to {} ({})", id, settings.url(), settings.encoding());
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                text.setLength(0);
                frame(bytes);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] bytes = binary.toByteArray();
                binary.reset();
                frame(bytes);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pingSentAt = 0;
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            End end = slowClient ? End.SLOW_CLIENT : End.CLOSED;
            finish(new Outcome(end, "server closed with " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason), null));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            finish(new Outcome(slowClient ? End.SLOW_CLIENT : End.FAILED, "socket error: " + error, null));
        }

        void finish(Outcome o) {
            if (done.complete(o)) {
                cancelTimers();
            }
        }

        void cancelTimers() {
            ScheduledFuture<?> t = tick;
            if (t != null) {
                t.cancel(false);
            }
        }

        /** Aborts the TCP connection: used when the socket is judged dead (a close would not get through). */
        void abort(Outcome o) {
            finish(o);
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }

        /** A close handshake, so the server frees the key's slot at once; aborts if it does not answer. */
        void closeCleanly() {
            WebSocket w = ws;
            if (w != null && !w.isOutputClosed()) {
                try {
                    // The server answers with its own close; onClose then ends the session.
                    w.sendClose(WebSocket.NORMAL_CLOSURE, "shutdown").get(2, TimeUnit.SECONDS);
                    done.get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.debug("close handshake did not complete: {}", e.toString());
                }
            }
            finish(new Outcome(End.STOPPED, "shutdown", null));
            if (w != null) {
                w.abort();
            }
        }

        private void heartbeat() {
            try {
                if (done.isDone()) {
                    return;
                }
                long now = System.nanoTime();
                if (phase != State.STREAMING && now - openedAt > settings.handshakeTimeout().toNanos()) {
                    abort(new Outcome(End.HANDSHAKE_TIMEOUT, "handshake stuck in " + phase + " for "
                            + settings.handshakeTimeout().toMillis() + " ms", null));
                    return;
                }
                if (processingSince != 0 || handler.backpressured()) {
                    // The reader is busy (parked on Kafka, a metadata fetch, a GC): pongs and frames wait in the
                    // socket behind it, so their absence says nothing about the peer.
                    lastActivity = now;
                    pingSentAt = 0;
                    lastPingAt = now;
                    return;
                }
                long sent = pingSentAt;
                if (sent != 0 && now - sent > settings.pongTimeout().toNanos()) {
                    abort(new Outcome(End.DEAD, "no pong within " + settings.pongTimeout().toMillis() + " ms", null));
                    return;
                }
                if (phase == State.STREAMING && !settings.silenceTimeout().isZero()
                        && now - lastActivity > settings.silenceTimeout().toNanos()) {
                    abort(new Outcome(End.DEAD, "no message for " + settings.silenceTimeout().toMillis() + " ms", null));
                    return;
                }
                if (sent == 0 && now - lastPingAt >= settings.pingInterval().toNanos()) {
                    lastPingAt = now;
                    pingSentAt = now;
                    WebSocket w = ws;
                    if (w != null && !w.isOutputClosed()) {
                        w.sendPing(ByteBuffer.wrap(Long.toString(now).getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            } catch (RuntimeException e) {
                log.warn("heartbeat of session {} failed: {}", id, e.toString());
            }
        }

        private void frame(byte[] bytes) {
            long receivedNano = System.nanoTime();
            lastActivity = receivedNano;
            lastMessageNanos = receivedNano;
            processingSince = receivedNano;
            try {
                process(bytes, receivedNano);
            } catch (RuntimeException e) {
                // A bug or surprise in one frame must not kill the session (the JDK would abort the socket).
                metrics.badInput("processing_error").increment();
                log.error("session {}: processing a frame of {} bytes failed; continuing", id, bytes.length, e);
            } finally {
                processingSince = 0;
            }
        }

        private void process(byte[] bytes, long receivedNano) {
            long receivedAt = EpochNanos.of(receivedNano);
            metrics.frames.increment();
            metrics.frameBytes.increment(bytes.length);
            ParsedFrame f = frames.parse(bytes, settings.encoding());
            List<RawMessage> data = null;
            for (RawMessage m : f.messages()) {
                if (m.route() == Route.CONTROL) {
                    control(m);
                } else {
                    if (data == null) {
                        data = new ArrayList<>(f.messages().size());
                    }
                    data.add(m);
                }
            }
            if (data != null || !f.ok()) {
                ParsedFrame out = data != null && data.size() == f.messages().size() ? f
                        : new ParsedFrame(data == null ? List.of() : data, f.problem(), f.problemDetail());
                handler.onFrame(out, bytes, receivedAt, receivedNano, id);
            }
        }

        private void control(RawMessage m) {
            metrics.message(m.type()).increment();
            AlpacaMessage msg;
            try {
                msg = parser.parse(m.node());
            } catch (MessageFormatException e) {
                metrics.badInput("control_" + e.reason().code()).increment();
                log.warn("session {}: malformed control message ({}): {}", id, e.getMessage(),
                        new String(m.json(), 0, Math.min(m.json().length, 200), StandardCharsets.UTF_8));
                return;
            }
            if (msg instanceof AlpacaSuccess s) {
                if (s.msg().equals(AlpacaSuccess.CONNECTED.msg()) && phase == State.CONNECTING) {
                    phase = State.AUTHENTICATING;
                    state = State.AUTHENTICATING;
                    ObjectNode auth = Json.MAPPER.createObjectNode();
                    auth.put("action", "auth").put("key", settings.key()).put("secret", settings.secret());
                    send(auth);
                } else if (s.msg().equals(AlpacaSuccess.AUTHENTICATED.msg())) {
                    authenticated = true;
                    if (phase != State.SUBSCRIBING && phase != State.STREAMING) {
                        phase = State.SUBSCRIBING;
                        state = State.SUBSCRIBING;
                        subscribe();
                    }
                }
            } else if (msg instanceof AlpacaError e) {
                error(e);
            } else if (msg instanceof AlpacaSubscription sub) {
                subscription(sub);
            }
        }

        private void error(AlpacaError e) {
            String what = e.code() + " " + e.msg();
            switch (e.code()) {
                case 402 -> closeAfter(new Outcome(End.AUTH_FAILED, what, null));
                case 409, 411 -> closeAfter(new Outcome(End.NOT_PERMITTED, what, null));
                case 406 -> closeAfter(new Outcome(End.CONNECTION_LIMIT, what, null));
                case 407 -> {
                    // The server closes next; the gap it leaves is backfilled after the reconnect.
                    slowClient = true;
                    log.warn("session {}: 407 slow client: the server is about to drop us", id);
                }
                case 404, 401 -> closeAfter(new Outcome(End.FAILED, what, null));
                case 500 -> closeAfter(new Outcome(End.SERVER_ERROR, what, null));
                case 400, 405, 410 -> {
                    log.warn("session {}: subscribe partly refused: {}", id, what);
                    if (phase == State.SUBSCRIBING) {
                        subscribeReply(null);
                    }
                }
                case 403 -> log.debug("session {}: {}", id, what);
                default -> log.warn("session {}: error {}", id, what);
            }
        }

        private void closeAfter(Outcome o) {
            finish(o);
            WebSocket w = ws;
            if (w != null && !w.isOutputClosed()) {
                w.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((r, ex) -> w.abort());
                timer.schedule(w::abort, 2, TimeUnit.SECONDS);
            } else if (w != null) {
                w.abort();
            }
        }

        private void subscribe() {
            List<String> symbols = settings.symbols();
            subscribeChunks = 0;
            subscribeReplies = 0;
            for (int i = 0; i < symbols.size(); i += SYMBOLS_PER_SUBSCRIBE) {
                List<String> chunk = symbols.subList(i, Math.min(symbols.size(), i + SYMBOLS_PER_SUBSCRIBE));
                ObjectNode sub = Json.MAPPER.createObjectNode();
                sub.put("action", "subscribe");
                for (String ch : CHANNELS) {
                    ArrayNode arr = sub.putArray(ch);
                    chunk.forEach(arr::add);
                }
                subscribeChunks++;
                send(sub);
            }
        }

        private void subscription(AlpacaSubscription sub) {
            if (phase == State.SUBSCRIBING) {
                subscribeReply(sub);
            } else {
                log.info("session {}: subscription now {}", id, sub.channels());
            }
        }

        private AlpacaSubscription lastReply;
        private CompletableFuture<WebSocket> sendTail = CompletableFuture.completedFuture(null);

        private void subscribeReply(AlpacaSubscription sub) {
            if (sub != null) {
                lastReply = sub;
            }
            subscribeReplies++;
            if (subscribeReplies < subscribeChunks) {
                return;
            }
            List<String> missing = new ArrayList<>();
            for (String ch : CHANNELS) {
                Set<String> got = new HashSet<>(lastReply == null ? List.of() : lastReply.symbols(ch));
                if (got.contains("*")) {
                    continue;
                }
                for (String s : settings.symbols()) {
                    if (!got.contains(s)) {
                        missing.add(ch + ":" + s);
                    }
                }
            }
            if (!missing.isEmpty()) {
                log.warn("session {}: the server did not confirm {} of the requested subscriptions: {}", id, missing.size(),
                        missing.size() > 20 ? missing.subList(0, 20) + "..." : missing);
            }
            phase = State.STREAMING;
            state = State.STREAMING;
            subscribed = true;
            policy.onSessionUp();
            boolean afterGap = everSubscribed;
            everSubscribed = true;
            log.info("session {} subscribed to {} symbols on {}{}", id, settings.symbols().size(), CHANNELS,
                    afterGap ? " (after a gap: backfilling)" : "");
            handler.onSubscribed(id, afterGap);
        }

        private void send(JsonNode message) {
            WebSocket w = ws;
            if (w == null) {
                return;
            }
            // The JDK WebSocket allows one outstanding message send at a time: chain them.
            CompletableFuture<WebSocket> f = sendTail.handle((r, ex) -> w).thenCompose(x -> {
                if (settings.encoding() == Encoding.MSGPACK) {
                    return w.sendBinary(ByteBuffer.wrap(MsgpackTree.write(message)), true);
                }
                try {
                    return w.sendText(Json.MAPPER.writeValueAsString(message), true);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return CompletableFuture.failedFuture(e);
                }
            });
            sendTail = f;
            f.whenComplete((r, ex) -> {
                if (ex != null) {
                    log.warn("session {}: could not send {}: {}", id, message.path("action").asText(), ex.toString());
                }
            });
        }
    }
}
