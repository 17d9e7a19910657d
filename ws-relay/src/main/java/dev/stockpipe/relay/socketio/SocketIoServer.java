package dev.stockpipe.relay.socketio;

import dev.stockpipe.relay.RelayConfig;
import dev.stockpipe.relay.core.ClientProtocol;
import dev.stockpipe.relay.core.FanOut;
import dev.stockpipe.relay.core.RelayMetrics;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engine.IO v4 / Socket.IO v5 (what {@code socket.io-client} 4.x speaks) on the relay's own HTTP server: the
 * session registry, the heartbeat, and the transport-neutral handling of polling requests and WebSockets that
 * {@code SocketIoController} and {@code SocketIoSocket} delegate to. Each connected socket is one
 * {@code RelayClient} of the shared {@link FanOut}, so it gets the same events, conflation and limits as /ws.
 */
public final class SocketIoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RelayConfig config;
    private final FanOut fanOut;
    private final ClientProtocol protocol;
    private final RelayMetrics metrics;
    private final LongSupplier nanoClock;
    private final Map<String, EioSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private volatile boolean closed;

    public SocketIoServer(RelayConfig config, FanOut fanOut, ClientProtocol protocol, RelayMetrics metrics,
                          LongSupplier nanoClock) {
        this.config = config;
        this.fanOut = fanOut;
        this.protocol = protocol;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        Gauge.builder("relay.sio.sessions", sessions::size).description("open Engine.IO (Socket.IO) sessions")
                .register(metrics.registry());
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sio-heartbeat");
            t.setDaemon(true);
            return t;
        });
        // fine enough that a ping is never late by more than a small part of the client's patience
        long period = Math.max(20, Math.min(1000, Math.min(config.sioPingInterval().toMillis(),
                config.sioPingTimeout().toMillis()) / 5));
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    RelayConfig config() {
        return config;
    }

    FanOut fanOut() {
        return fanOut;
    }

    ClientProtocol protocol() {
        return protocol;
    }

    RelayMetrics metrics() {
        return metrics;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    public int sessionCount() {
        return sessions.size();
    }

    // ---- long-polling ----

    /** GET /socket.io/?EIO=4&transport=polling[&sid=...]. */
    public CompletableFuture<Reply> get(String eio, String transport, String sid, String origin) {
        Reply refused = check(eio, transport, origin);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        if (!"polling".equals(transport)) {
            return CompletableFuture.completedFuture(bad("bad_request", "a WebSocket transport needs an upgrade",
                    Reply.badRequest()));
        }
        if (sid == null) {
            if (closed || sessions.size() >= config.maxClients()) {
                return CompletableFuture.completedFuture(Reply.error(503, 3, "relay full, try again later"));
            }
            EioSession s = newSession(null);
            return CompletableFuture.completedFuture(Reply.text(openPacket(s.sid(), true)));
        }
        EioSession s = sessions.get(sid);
        if (s == null) {
            return CompletableFuture.completedFuture(bad("unknown_sid", "GET with an unknown sid", Reply.unknownSid()));
        }
        return s.poll();
    }

    /** POST /socket.io/?EIO=4&transport=polling&sid=... with packets joined by U+001E. */
    public Reply post(String eio, String transport, String sid, String origin, byte[] body) {
        Reply refused = check(eio, transport, origin);
        if (refused != null) {
            return refused;
        }
        if (sid == null || !"polling".equals(transport)) {
            return bad("bad_request", "POST without a polling sid", Reply.error(400, 2, "Bad handshake method"));
        }
        EioSession s = sessions.get(sid);
        if (s == null) {
            return bad("unknown_sid", "POST with an unknown sid", Reply.unknownSid());
        }
        if (body == null || body.length > config.sioMaxPayload()) {
            s.close("payload too large", true);
            return bad("message_too_large", "polling POST of " + (body == null ? 0 : body.length) + " bytes",
                    Reply.error(413, 3, "Payload too large"));
        }
        if (!s.onPayload(new String(body, StandardCharsets.UTF_8))) {
            s.close("bad packet before the Socket.IO handshake", true);
            return Reply.badRequest();
        }
        return Reply.text("ok");
    }

    private Reply check(String eio, String transport, String origin) {
        if (!"4".equals(eio)) {
            return bad("bad_request", "EIO=" + eio, Reply.error(400, 5, "Unsupported protocol version"));
        }
        if (!"polling".equals(transport) && !"websocket".equals(transport)) {
            return bad("bad_request", "transport=" + transport, Reply.error(400, 0, "Transport unknown"));
        }
        if (!config.originAllowed(origin)) {
            return bad("origin_not_allowed", "origin " + origin, Reply.error(403, 4, "Forbidden"));
        }
        return null;
    }

    private Reply bad(String code, String what, Reply answer) {
        metrics.clientError(code);
        LOG.debug("Socket.IO request refused ({}): {}", code, what);
        return answer;
    }

    // ---- WebSocket ----

    /**
     * A WebSocket at /socket.io/: with a sid, the probe of an upgrade; without, a WebSocket-only session (its
     * first frame is the open packet). Returns the session, or null after closing the socket with a reason.
     */
    EioSession openWebSocket(WsOut out, String eio, String transport, String sid, String origin) {
        Reply refused = check(eio, transport, origin);
        if (refused == null && !"websocket".equals(transport)) {
            refused = Reply.badRequest();
        }
        if (refused != null) {
            out.close(1008, new String(refused.body(), StandardCharsets.UTF_8));
            return null;
        }
        if (sid == null) {
            if (closed || sessions.size() >= config.maxClients()) {
                out.close(1013, "relay full, try again later");
                return null;
            }
            EioSession s = newSession(out);
            out.write(List.of(openPacket(s.sid(), false).getBytes(StandardCharsets.UTF_8)));
            return s;
        }
        EioSession s = sessions.get(sid);
        if (s == null) {
            bad("unknown_sid", "WebSocket with an unknown sid", null);
            out.close(1008, "{\"code\":1,\"message\":\"Session ID unknown\"}");
            return null;
        }
        if (!s.attachProbe(out)) {
            bad("bad_request", "second WebSocket for one session", null);
            out.close(1008, "{\"code\":3,\"message\":\"Bad request\"}");
            return null;
        }
        return s;
    }

    // ---- sessions ----

    private EioSession newSession(WsOut ws) {
        String sid = randomId();
        EioSession s = new EioSession(sid, randomId(), this, ws, nanoClock.getAsLong());
        sessions.put(sid, s);
        return s;
    }

    private String openPacket(String sid, boolean upgrades) {
        return "0{\"sid\":\"" + sid + "\",\"upgrades\":" + (upgrades ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + config.sioPingInterval().toMillis()
                + ",\"pingTimeout\":" + config.sioPingTimeout().toMillis()
                + ",\"maxPayload\":" + config.sioMaxPayload() + "}";
    }

    private static String randomId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    void removed(EioSession s) {
        sessions.remove(s.sid(), s);
    }

    /** Bad input of a session that has no Socket.IO socket yet (nothing to send an error event to). */
    void badInput(EioSession s, String code, String message) {
        metrics.clientError(code);
        LOG.debug("Socket.IO session {}: {}: {}", s.sid(), code, message);
    }

    private void tick() {
        try {
            long now = nanoClock.getAsLong();
            for (EioSession s : sessions.values()) {
                try {
                    s.tick(now);
                } catch (RuntimeException e) {
                    LOG.warn("heartbeat of Socket.IO session {} failed", s.sid(), e);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Socket.IO heartbeat failed", e);
        }
    }

    /** Ends every session (after the fan-out told connected sockets why); stops the heartbeat. */
    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        for (EioSession s : List.copyOf(sessions.values())) {
            s.close("relay shutting down", true);
        }
    }
}
