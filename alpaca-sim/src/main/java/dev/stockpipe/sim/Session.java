package dev.stockpipe.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.alpaca.AlpacaError;
import dev.stockpipe.model.alpaca.AlpacaFrames;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaSuccess;
import dev.stockpipe.model.alpaca.MsgpackTree;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket session at {@code /v2/{feed}}: the protocol state machine (greeting, auth, subscriptions,
 * the reference's error replies) on its event loop, and a bounded outbound queue the market thread
 * offers to without ever blocking. Writes happen only while the socket is writable, so a client ping
 * is answered behind at most the socket's high-water mark of data.
 */
final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    /** A queued item: data messages, or a raw frame (scripted or malformed). */
    private record Outbound(List<AlpacaMessage> messages, boolean duplicate, byte[] raw, boolean rawBinary) {
        int weight() {
            return messages != null ? messages.size() : 1;
        }
    }

    final Channel channel;
    final String feed;
    final boolean msgpack;
    final long id;
    private final StreamServer server;
    private final ServerSettings settings;
    private final SimMetrics metrics;
    private final ConcurrentLinkedQueue<Outbound> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;

    private volatile boolean authenticated;
    private volatile boolean closing;
    private volatile Subscriptions subs = Subscriptions.EMPTY;
    private volatile long silentUntilNanos;
    private String key;
    private long lastPongNanos = System.nanoTime();
    private ScheduledFuture<?> authTimeout;
    private ScheduledFuture<?> pinger;
    private ByteArrayOutputStream fragments;
    private boolean fragmentsBinary;
    private boolean fragmentsOversize;

    Session(long id, Channel channel, String feed, boolean msgpack, StreamServer server) {
        this.id = id;
        this.channel = channel;
        this.feed = feed;
        this.msgpack = msgpack;
        this.server = server;
        this.settings = server.settings();
        this.metrics = server.metrics();
    }

    // ------------------------------------------------------------------ lifecycle (event loop)

    /** After the 101: the greeting, header auth if given, the auth timeout, server pings. */
    void start(String headerKey, String headerSecret) {
        sendControl(AlpacaSuccess.CONNECTED);
        if (headerKey != null) {
            authenticate(headerKey, headerSecret == null ? "" : headerSecret);
        }
        if (!authenticated && channel.isActive()) {
            authTimeout = channel.eventLoop().schedule(() -> {
                if (!authenticated && channel.isActive()) {
                    log.info("session {} on {}: no auth within {}; closing", id, feed, settings.authTimeout());
                    errorThenClose(AlpacaError.AUTH_TIMEOUT);
                }
            }, settings.authTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        long ping = settings.pingInterval().toMillis();
        if (ping > 0) {
            pinger = channel.eventLoop().scheduleAtFixedRate(this::ping, ping, ping, TimeUnit.MILLISECONDS);
        }
    }

    void closed() {
        closing = true;
        if (authTimeout != null) {
            authTimeout.cancel(false);
        }
        if (pinger != null) {
            pinger.cancel(false);
        }
        queue.clear();
        if (authenticated) {
            server.releaseSlot(key, feed, this);
        }
        server.removed(this);
    }

    private void ping() {
        if (closing || !channel.isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (silent()) {
            lastPongNanos = now; // a silenced socket neither pings nor holds missing pongs against the client
            return;
        }
        if (now - lastPongNanos > settings.pongTimeout().toNanos()) {
            log.info("session {} on {}: no pong for {}; closing", id, feed, settings.pongTimeout());
            channel.close();
            return;
        }
        channel.writeAndFlush(new PingWebSocketFrame(Unpooled.copyLong(now)));
    }

    // ------------------------------------------------------------------ inbound (event loop)

    void onFrame(WebSocketFrame frame) {
        if (silent()) {
            return; // a dead socket reads nothing
        }
        if (frame instanceof PingWebSocketFrame) {
            channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof PongWebSocketFrame) {
            lastPongNanos = System.nanoTime();
        } else if (frame instanceof CloseWebSocketFrame) {
            closing = true;
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            boolean binary = frame instanceof BinaryWebSocketFrame;
            if (frame.isFinalFragment()) {
                fragments = null;
                if (frame.content().readableBytes() > settings.maxClientMessageBytes()) {
                    oversize(frame.content().readableBytes());
                } else {
                    handleMessage(ByteBufUtil.getBytes(frame.content()), binary);
                }
            } else {
                fragments = new ByteArrayOutputStream();
                fragmentsBinary = binary;
                fragmentsOversize = false;
                append(frame.content());
            }
        } else if (frame instanceof ContinuationWebSocketFrame) {
            if (fragments == null) {
                badInput("continuation frame without a first fragment");
                return;
            }
            append(frame.content());
            if (frame.isFinalFragment()) {
                ByteArrayOutputStream done = fragments;
                fragments = null;
                if (fragmentsOversize) {
                    oversize(-1);
                } else {
                    handleMessage(done.toByteArray(), fragmentsBinary);
                }
            }
        }
    }

    private void append(ByteBuf content) {
        if (fragmentsOversize) {
            return;
        }
        if (fragments.size() + content.readableBytes() > settings.maxClientMessageBytes()) {
            fragmentsOversize = true;
            fragments.reset();
            return;
        }
        byte[] b = ByteBufUtil.getBytes(content);
        fragments.write(b, 0, b.length);
    }

    private void oversize(int bytes) {
        log.warn("session {} on {}: client message of {} exceeds {} bytes; answering 400", id, feed,
                bytes < 0 ? "more than the limit" : bytes + " bytes", settings.maxClientMessageBytes());
        sendError(AlpacaError.INVALID_SYNTAX);
    }

    private void badInput(String why) {
        log.warn("session {} on {}: {}; answering 400", id, feed, why);
        sendError(AlpacaError.INVALID_SYNTAX);
    }

    /** One complete client message: JSON text or MessagePack binary, whichever the session's encoding (§3). */
    private void handleMessage(byte[] bytes, boolean binary) {
        JsonNode node;
        try {
            node = binary ? MsgpackTree.read(bytes) : Json.MAPPER.readTree(bytes);
        } catch (Exception e) {
            badInput("unparsable " + (binary ? "MessagePack" : "JSON") + " message (" + e.getMessage() + ")");
            return;
        }
        if (node == null || !node.isObject()) {
            badInput("message is not an object");
            return;
        }
        JsonNode action = node.get("action");
        if (action == null || !action.isTextual()) {
            badInput("message has no action");
            return;
        }
        try {
            switch (action.textValue()) {
                case "auth" -> onAuth(node);
                case "subscribe" -> onSubscription(node, true);
                case "unsubscribe" -> onSubscription(node, false);
                default -> badInput("unknown action '" + clip(action.textValue()) + "'");
            }
        } catch (RuntimeException e) {
            log.error("session {} on {}: failed to handle {}", id, feed, clip(action.textValue()), e);
            sendError(AlpacaError.INTERNAL);
        }
    }

    private void onAuth(JsonNode m) {
        if (authenticated) {
            sendError(AlpacaError.ALREADY_AUTHENTICATED);
            return;
        }
        JsonNode k = m.get("key");
        JsonNode s = m.get("secret");
        if (k == null || !k.isTextual() || s == null || !s.isTextual()) {
            badInput("auth without string key and secret");
            return;
        }
        authenticate(k.textValue(), s.textValue());
    }

    private void authenticate(String k, String s) {
        if (server.faults().refusingConnections()) {
            log.info("session {} on {}: refuse-connections fault active; answering 406", id, feed);
            sendError(AlpacaError.CONNECTION_LIMIT); // the socket stays open: Go's SDK re-sends auth (§2.1)
            return;
        }
        if (!server.credentialsValid(k, s)) {
            log.info("session {} on {}: bad credentials; answering 402 and closing", id, feed);
            errorThenClose(AlpacaError.AUTH_FAILED);
            return;
        }
        if (!settings.plan().allows(feed)) {
            log.info("session {} on {}: feed not in plan {}; answering 409 and closing", id, feed, settings.plan());
            errorThenClose(AlpacaError.INSUFFICIENT_SUBSCRIPTION);
            return;
        }
        if (!server.acquireSlot(k, feed, this)) {
            log.info("session {} on {}: connection limit {} reached for this key; answering 406", id, feed, settings.connectionLimit());
            sendError(AlpacaError.CONNECTION_LIMIT);
            return;
        }
        key = k;
        authenticated = true;
        if (authTimeout != null) {
            authTimeout.cancel(false);
        }
        sendControl(AlpacaSuccess.AUTHENTICATED);
        log.info("session {} on {} authenticated ({})", id, feed, msgpack ? "msgpack" : "json");
    }

    private void onSubscription(JsonNode m, boolean subscribe) {
        if (!authenticated) {
            sendError(AlpacaError.NOT_AUTHENTICATED);
            return;
        }
        Map<String, List<String>> delta = new LinkedHashMap<>();
        for (String ch : Subscriptions.CLIENT_CHANNELS) {
            JsonNode v = m.get(ch);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isArray()) {
                badInput("channel " + ch + " is not an array");
                return;
            }
            List<String> symbols = new ArrayList<>(v.size());
            for (JsonNode e : v) {
                if (!e.isTextual() || !(e.textValue().equals(Subscriptions.WILDCARD)
                        || AlpacaParser.SYMBOL.matcher(e.textValue()).matches())) {
                    badInput("invalid symbol " + clip(e.toString()) + " on " + ch);
                    return;
                }
                symbols.add(e.textValue());
            }
            delta.put(ch, symbols);
        }
        List<String> imbalances = delta.get("imbalances");
        if (imbalances != null && !imbalances.isEmpty() && !offersImbalances()) {
            sendError(AlpacaError.INVALID_FOR_FEED);
            return;
        }
        Subscriptions next = subs.apply(delta, subscribe);
        int limit = settings.symbolLimit();
        if (subscribe && limit > 0 && next.limitedSymbolCount() > limit) {
            log.info("session {} on {}: {} symbols exceed the limit of {}; answering 405, set unchanged",
                    id, feed, next.limitedSymbolCount(), limit);
            sendError(AlpacaError.SYMBOL_LIMIT);
            return;
        }
        subs = next;
        sendControl(next.reply(offersImbalances()));
    }

    /** Imbalances are a SIP product here; other feeds answer 410 (§6). */
    private boolean offersImbalances() {
        return feed.equals("sip") || feed.equals("delayed_sip");
    }

    // ------------------------------------------------------------------ outbound

    boolean authenticated() {
        return authenticated;
    }

    Subscriptions subscriptions() {
        return subs;
    }

    boolean silent() {
        long until = silentUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    void silenceFor(long nanos) {
        silentUntilNanos = System.nanoTime() + nanos;
    }

    /** From the market thread: never blocks; overflow makes this a slow client (407 and close). */
    void offer(List<AlpacaMessage> messages, boolean duplicate) {
        enqueue(new Outbound(messages, duplicate, null, false));
    }

    void offerRaw(byte[] raw, boolean binary) {
        enqueue(new Outbound(null, false, raw, binary));
    }

    private void enqueue(Outbound o) {
        if (closing) {
            return;
        }
        if (silent()) {
            metrics.droppedSilent.add(o.weight());
            return;
        }
        if (queued.addAndGet(o.weight()) > settings.outboundCapacity()) {
            slowClient();
            return;
        }
        queue.add(o);
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drainTask);
        }
    }

    /** On the event loop: writes while the socket takes it; resumed by channelWritabilityChanged. */
    void drain() {
        drainScheduled.set(false);
        boolean wrote = false;
        while (!closing && channel.isWritable()) {
            Outbound o = queue.poll();
            if (o == null) {
                break;
            }
            queued.addAndGet(-o.weight());
            write(o);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void write(Outbound o) {
        if (o.raw() != null) {
            ByteBuf b = Unpooled.wrappedBuffer(o.raw());
            channel.write(o.rawBinary() ? new BinaryWebSocketFrame(b) : new TextWebSocketFrame(b));
            metrics.framesSent.increment();
            return;
        }
        // Same-type runs per frame: the docs show same-type batches, mixed ones are unconfirmed (§2.3).
        List<AlpacaMessage> ms = o.messages();
        boolean first = true;
        int i = 0;
        while (i < ms.size()) {
            String t = ms.get(i).type();
            int j = i + 1;
            while (j < ms.size() && j - i < settings.maxFrameMessages() && ms.get(j).type().equals(t)) {
                j++;
            }
            WebSocketFrame frame = encode(ms.subList(i, j));
            if (first && o.duplicate()) {
                channel.write(frame.retainedDuplicate());
                metrics.framesSent.increment();
                metrics.messagesSent.add(j - i);
            }
            channel.write(frame);
            metrics.framesSent.increment();
            metrics.messagesSent.add(j - i);
            first = false;
            i = j;
        }
    }

    private WebSocketFrame encode(List<? extends AlpacaMessage> ms) {
        return msgpack ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(AlpacaFrames.toMsgpack(ms)))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(AlpacaFrames.toJsonBytes(ms)));
    }

    private void slowClient() {
        closing = true;
        metrics.slowClients.increment();
        channel.eventLoop().execute(() -> {
            queue.clear();
            log.warn("session {} on {}: outbound queue over {} messages; sending 407 slow client and closing",
                    id, feed, settings.outboundCapacity());
            metrics.clientErrors.increment();
            // Behind a full socket buffer the 407 may never arrive, as with Alpaca (§6); close once written or after 1 s.
            channel.writeAndFlush(encode(List.of(AlpacaError.SLOW_CLIENT))).addListener(ChannelFutureListener.CLOSE);
            channel.eventLoop().schedule(() -> { channel.close(); }, 1, TimeUnit.SECONDS);
        });
    }

    /** Control messages always come alone in a frame (§2.3). */
    private void sendControl(AlpacaMessage m) {
        channel.writeAndFlush(encode(List.of(m)));
        metrics.framesSent.increment();
        metrics.messagesSent.increment();
    }

    private void sendError(AlpacaError e) {
        metrics.clientErrors.increment();
        sendControl(e);
    }

    /** The error frame, then a close frame (1008 policy violation; Alpaca's close codes are unconfirmed, §10). */
    private void errorThenClose(AlpacaError e) {
        closing = true;
        metrics.clientErrors.increment();
        metrics.framesSent.increment();
        channel.write(encode(List.of(e)));
        channel.writeAndFlush(new CloseWebSocketFrame(1008, e.msg())).addListener(ChannelFutureListener.CLOSE);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
