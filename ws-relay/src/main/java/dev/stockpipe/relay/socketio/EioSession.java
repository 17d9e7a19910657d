package dev.stockpipe.relay.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.relay.core.ClientSink;
import dev.stockpipe.relay.core.ControlFrames;
import dev.stockpipe.relay.core.Outbound;
import dev.stockpipe.relay.core.RelayClient;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO v4 session and the Socket.IO v5 socket on its default namespace: a {@link ClientSink} for the
 * shared fan-out. It starts on long-polling (packets wait in a buffer for the next GET) or on a WebSocket, and
 * moves from polling to a WebSocket through the probe ("2probe" / "3probe" / "5"), keeping packet order.
 *
 * <p>Memory: the buffer holds at most what the client's {@code ClientQueue} has in flight plus a fixed number of
 * transport packets (pings, replies); beyond that the session is closed. Events are the shared
 * {@link Outbound#socketIoFrame()} arrays, never copied per client. All state is guarded by {@code this}; ws
 * writes are only enqueued on the channel under the lock, and futures are completed outside it.
 */
final class EioSession implements ClientSink {
    private static final Logger LOG = LoggerFactory.getLogger(EioSession.class);
    static final byte[] PING = {'2'};
    static final byte[] NOOP = {'6'};
    static final byte[] CLOSE = {'1'};
    private static final byte SEPARATOR = 0x1e;
    private static final long CLOSE_GRACE_NANOS = 2_000_000_000L;

    private final String sid;
    private final String socketId;
    private final SocketIoServer server;
    private final int maxBuffered;

    private WsOut ws;
    private WsOut probe;
    private final ArrayDeque<byte[]> buffer = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> bufferedBatches = new ArrayList<>();
    private CompletableFuture<Reply> parked;
    private boolean closed;
    /** Set when the relay closed the session on a polling transport: the last packets await one more GET. */
    private long closingDeadlineNanos;
    private boolean awaitingPong;
    private long pingSentNanos;
    private long nextPingNanos;
    private volatile RelayClient client;

    EioSession(String sid, String socketId, SocketIoServer server, WsOut ws, long nowNanos) {
        this.sid = sid;
        this.socketId = socketId;
        this.server = server;
        this.ws = ws;
        this.maxBuffered = server.config().clientInFlight() + 128;
        this.nextPingNanos = nowNanos + server.config().sioPingInterval().toNanos();
    }

    String sid() {
        return sid;
    }

    RelayClient client() {
        return client;
    }

    synchronized boolean isWebSocket() {
        return ws != null;
    }

    // ---- outbound ----

    @Override
    public CompletionStage<Void> sendBatch(List<Outbound> frames) {
        List<byte[]> packets = new ArrayList<>(frames.size());
        for (Outbound f : frames) {
            packets.add(f.socketIoFrame());
        }
        CompletableFuture<Void> done;
        Runnable deliver;
        synchronized (this) {
            if (closed || closingDeadlineNanos != 0) {
                return CompletableFuture.failedFuture(new ClosedChannelException());
            }
            if (ws != null) {
                return ws.write(packets);
            }
            if (buffer.size() + packets.size() > maxBuffered) {
                done = null;
                deliver = null;
            } else {
                buffer.addAll(packets);
                done = new CompletableFuture<>();
                bufferedBatches.add(done);
                deliver = takeParkedLocked();
            }
        }
        if (done == null) {
            close("polling buffer full", true);
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        if (deliver != null) {
            deliver.run();
        }
        return done;
    }

    /** A transport packet outside the client's queue (ping, pong, connect error). */
    void sendRaw(byte[] packet) {
        Runnable deliver = null;
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (ws != null) {
                ws.write(List.of(packet));
                return;
            }
            if (buffer.size() >= maxBuffered) {
                overflow = true;
            } else {
                buffer.add(packet);
                deliver = takeParkedLocked();
            }
        }
        if (overflow) {
            close("polling buffer full", true);
        } else if (deliver != null) {
            deliver.run();
        }
    }

    /** Under the lock: when a GET waits and there is something to send, takes both; run the result unlocked. */
    private Runnable takeParkedLocked() {
        if (parked == null || buffer.isEmpty()) {
            return null;
        }
        CompletableFuture<Reply> p = parked;
        parked = null;
        byte[] body = drainLocked();
        List<CompletableFuture<Void>> batches = takeBatchesLocked();
        return () -> {
            p.complete(Reply.text(body));
            batches.forEach(b -> b.complete(null));
        };
    }

    private byte[] drainLocked() {
        int size = 0;
        for (byte[] b : buffer) {
            size += b.length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        boolean first = true;
        for (byte[] b : buffer) {
            if (!first) {
                out.write(SEPARATOR);
            }
            out.writeBytes(b);
            first = false;
        }
        buffer.clear();
        return out.toByteArray();
    }

    private List<CompletableFuture<Void>> takeBatchesLocked() {
        List<CompletableFuture<Void>> b = new ArrayList<>(bufferedBatches);
        bufferedBatches.clear();
        return b;
    }

    // ---- long-polling ----

    /** A GET of the polling transport: answered at once when packets wait, else parked until some arrive. */
    CompletableFuture<Reply> poll() {
        Runnable deliver;
        CompletableFuture<Reply> mine;
        boolean overlap = false;
        boolean finishClose = false;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(Reply.unknownSid());
            }
            if (ws != null) {
                return CompletableFuture.completedFuture(Reply.badRequest());
            }
            if (parked != null) {
                overlap = true;
                mine = null;
                deliver = null;
            } else {
                mine = new CompletableFuture<>();
                parked = mine;
                deliver = takeParkedLocked();
                finishClose = closingDeadlineNanos != 0 && deliver != null;
            }
        }
        if (overlap) {
            // two GETs at once: not a Socket.IO client; Engine.IO closes such a session too
            server.badInput(this, "overlapping_poll", "a second GET while one is pending");
            close("overlapping polling requests", true);
            return CompletableFuture.completedFuture(Reply.badRequest());
        }
        if (deliver != null) {
            deliver.run();
        }
        if (finishClose) {
            close("closed by the relay", false);
        }
        return mine;
    }

    /** Packets of a polling POST body; false when the body was not acceptable (the session is then closed). */
    boolean onPayload(String body) {
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\u001e', start);
            if (end < 0) {
                end = body.length();
            }
            if (!onPacket(body.substring(start, end), null)) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    // ---- WebSocket ----

    /** A WebSocket opened with this session's sid: the probe of an upgrade. */
    synchronized boolean attachProbe(WsOut out) {
        if (closed || closingDeadlineNanos != 0 || ws != null || probe != null) {
            return false;
        }
        probe = out;
        return true;
    }

    /** A text frame on one of this session's WebSockets. */
    void onWebSocketText(WsOut from, String text) {
        boolean isProbe;
        synchronized (this) {
            isProbe = from == probe;
        }
        if (isProbe) {
            if ("2probe".equals(text)) {
                from.write(List.of("3probe".getBytes(StandardCharsets.US_ASCII)));
                answerParkedWithNoop(); // lets the client's pending GET return so it can pause polling
                return;
            }
            if ("5".equals(text)) {
                upgrade(from);
                return;
            }
        }
        if (!onPacket(text, from)) {
            close("bad packet before the Socket.IO handshake", true);
        }
    }

    void onWebSocketClosed(WsOut out) {
        boolean mine;
        synchronized (this) {
            if (out == probe) {
                probe = null;
                return;
            }
            mine = out == ws;
        }
        if (mine) {
            close("WebSocket closed", false);
        }
    }

    private void answerParkedWithNoop() {
        CompletableFuture<Reply> p;
        synchronized (this) {
            p = parked;
            parked = null;
        }
        if (p != null) {
            p.complete(Reply.text(NOOP));
        }
    }

    private void upgrade(WsOut out) {
        CompletableFuture<Reply> p;
        List<CompletableFuture<Void>> batches;
        CompletableFuture<Void> drained;
        synchronized (this) {
            if (closed || probe != out) {
                return;
            }
            probe = null;
            ws = out;
            List<byte[]> pending = new ArrayList<>(buffer);
            buffer.clear();
            batches = takeBatchesLocked();
            // enqueued under the lock, so it goes out before anything sendBatch writes after the switch
            drained = ws.write(pending);
            p = parked;
            parked = null;
        }
        if (p != null) {
            p.complete(Reply.text(NOOP));
        }
        drained.whenComplete((v, err) -> batches.forEach(b -> {
            if (err == null) {
                b.complete(null);
            } else {
                b.completeExceptionally(err);
            }
        }));
        LOG.debug("Socket.IO session {} upgraded to WebSocket", sid);
    }

    // ---- inbound packets ----

    /**
     * One Engine.IO packet from the client. Returns false only for bad input before the Socket.IO handshake
     * (there is no socket to send an error event to); after it, bad input becomes an error event.
     */
    boolean onPacket(String p, WsOut from) {
        if (p.isEmpty()) {
            return bad("bad_packet", "empty Engine.IO packet");
        }
        char type = p.charAt(0);
        switch (type) {
            case '1':
                close("closed by the client", false);
                return true;
            case '2':
                sendRaw(("3" + p.substring(1)).getBytes(StandardCharsets.UTF_8));
                return true;
            case '3':
                synchronized (this) {
                    if (awaitingPong) {
                        awaitingPong = false;
                        nextPingNanos = server.nanoTime() + server.config().sioPingInterval().toNanos();
                    }
                }
                return true;
            case '4':
                return onSocketIo(p.substring(1));
            case '6':
                return true;
            default:
                return bad("bad_packet", "unknown Engine.IO packet type '" + (type >= 0x20 && type < 0x7f
                        ? String.valueOf(type) : "\\u" + Integer.toHexString(type)) + "'");
        }
    }

    private boolean onSocketIo(String s) {
        if (s.length() > server.config().maxMessageBytes()) {
            return bad("message_too_large", "messages are limited to " + server.config().maxMessageBytes()
                    + " bytes, got " + s.length());
        }
        SioPacket pk;
        try {
            pk = SioPacket.parse(s);
        } catch (SioPacket.BadPacketException e) {
            return bad("bad_packet", e.getMessage());
        }
        switch (pk.type()) {
            case '0':
                connect(pk);
                return true;
            case '1':
                RelayClient c = client;
                if (c != null && "/".equals(pk.namespace())) {
                    client = null;
                    server.fanOut().disconnect(c);
                    LOG.debug("Socket.IO socket {} disconnected by the client", socketId);
                }
                return true;
            case '2':
                return event(pk);
            case '3':
                return true; // an answer to an ack we never ask for
            default:
                return bad("bad_packet", "unexpected Socket.IO packet type " + pk.type());
        }
    }

    private void connect(SioPacket pk) {
        if (!"/".equals(pk.namespace())) {
            sendRaw(("44" + pk.namespace() + ",{\"message\":\"Invalid namespace\"}").getBytes(StandardCharsets.UTF_8));
            server.metrics().clientError("invalid_namespace");
            return;
        }
        RelayClient c;
        synchronized (this) {
            if (client != null || closed) {
                return;
            }
            c = server.fanOut().connect(socketId, this);
            client = c;
        }
        if (c == null) {
            LOG.warn("refusing Socket.IO connect: relay full");
            sendRaw("44{\"message\":\"relay full, try again later\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        // through the queue, so it precedes every event of this socket
        c.queue().offerControl(Outbound.raw(("40{\"sid\":\"" + socketId + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private boolean event(SioPacket pk) {
        RelayClient c = client;
        if (c == null || !"/".equals(pk.namespace())) {
            server.metrics().clientError("not_connected");
            return true; // Socket.IO ignores events for namespaces the client has not joined
        }
        JsonNode arr;
        try {
            arr = Json.MAPPER.readTree(pk.data());
        } catch (Exception e) {
            arr = null;
        }
        Outbound reply;
        if (arr == null || !arr.isArray() || arr.isEmpty() || !arr.get(0).isTextual()) {
            reply = server.protocol().reject(c, "bad_packet",
                    "an event must be a JSON array starting with the event name, like [\"subscribe\",\"AAPL\"]");
        } else {
            String name = arr.get(0).asText();
            JsonNode arg = arr.size() > 1 ? arr.get(1) : null;
            switch (name) {
                case "subscribe":
                case "unsubscribe":
                    reply = server.protocol().onCommand(c, name, arg);
                    break;
                default:
                    reply = server.protocol().reject(c, "unknown_event", "unknown event '"
                            + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                            + "'; use subscribe or unsubscribe");
            }
        }
        if (pk.ackId() >= 0) {
            byte[] body = reply != null ? reply.json()
                    : ControlFrames.error("rate_limited", "message ignored: over the rate limit").json();
            String head = "43" + pk.ackId() + "[";
            ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length + 1);
            out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.write(']');
            c.queue().offerControl(Outbound.raw(out.toByteArray()));
        }
        return true;
    }

    private boolean bad(String code, String message) {
        RelayClient c = client;
        if (c == null) {
            server.badInput(this, code, message);
            return false;
        }
        server.protocol().reject(c, code, message);
        return true;
    }

    // ---- heartbeat, close ----

    /** Called periodically: sends pings, closes a session whose pong is late or whose close grace ran out. */
    void tick(long now) {
        String expire = null;
        boolean ping = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (closingDeadlineNanos != 0) {
                if (now - closingDeadlineNanos > 0) {
                    expire = "closed by the relay";
                }
            } else if (awaitingPong) {
                if (now - pingSentNanos > server.config().sioPingTimeout().toNanos()) {
                    expire = "ping timeout";
                }
            } else if (now - nextPingNanos >= 0) {
                awaitingPong = true;
                pingSentNanos = now;
                ping = true;
            }
        }
        if (expire != null) {
            server.metrics().clientDropped("sio_" + expire.replace(' ', '_'));
            close(expire, false);
        } else if (ping) {
            sendRaw(PING);
        }
    }

    /** The relay drops the client (flooding, too slow, shutdown): an error event, then the Engine.IO close. */
    @Override
    public void close(int code, String reason) {
        byte[] error = ControlFrames.error("closed", reason + " (close code " + code + ")").socketIoFrame();
        WsOut out;
        Runnable deliver = null;
        synchronized (this) {
            if (closed || closingDeadlineNanos != 0) {
                return;
            }
            out = ws;
            ws = null; // this close frame is the last one; close(String, boolean) below must not send another
            if (out == null) {
                // polling: the error and the close packet wait for the client's next GET (or the grace time)
                buffer.add(error);
                buffer.add(CLOSE);
                closingDeadlineNanos = server.nanoTime() + CLOSE_GRACE_NANOS;
                deliver = takeParkedLocked();
            }
        }
        if (out != null) {
            out.write(List.of(error));
            out.close(code, reason);
            close(reason, false);
            return;
        }
        if (deliver != null) {
            deliver.run();
            close(reason, false);
        }
    }

    @Override
    public void abort() {
        close("aborted", false);
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    /** Ends the session: answers a waiting GET with the close packet, closes WebSockets, leaves the fan-out. */
    void close(String reason, boolean sendClose) {
        CompletableFuture<Reply> p;
        List<CompletableFuture<Void>> batches;
        WsOut out;
        WsOut pr;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = parked;
            parked = null;
            buffer.clear();
            batches = takeBatchesLocked();
            out = ws;
            pr = probe;
            probe = null;
        }
        if (p != null) {
            p.complete(Reply.text(CLOSE));
        }
        ClosedChannelException gone = new ClosedChannelException();
        batches.forEach(b -> b.completeExceptionally(gone));
        if (out != null) {
            if (sendClose) {
                out.write(List.of(CLOSE));
            }
            out.close(1000, reason);
        }
        if (pr != null) {
            pr.abort();
        }
        RelayClient c = client;
        client = null;
        if (c != null) {
            server.fanOut().disconnect(c);
        }
        server.removed(this);
        LOG.debug("Socket.IO session {} closed: {}", sid, reason);
    }
}
