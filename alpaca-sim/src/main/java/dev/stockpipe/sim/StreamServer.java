package dev.stockpipe.sim;

import dev.stockpipe.model.alpaca.AlpacaMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Netty port for everything: WebSocket at {@code /v2/{feed}} (permessage-deflate offered, HTTP 429 at
 * the upgrade on demand), and HTTP for the historical REST, admin, {@code /health} and {@code /metrics}.
 * REST runs on its own small pool, since it reads the ground truth the market thread writes.
 */
final class StreamServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamServer.class);
    /** Netty closes (1009) above this; below it, oversize messages get the protocol's 400. */
    private static final int MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

    private final ServerSettings settings;
    private final SimMetrics metrics;
    private final Faults faults;
    private final Function<HttpCall, HttpReply> http;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<Session>> slots = new HashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final AtomicInteger authenticatedCount = new AtomicInteger();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService restPool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "alpaca-sim-rest");
        t.setDaemon(true);
        return t;
    });
    private Channel serverChannel;
    private int port;

    StreamServer(ServerSettings settings, SimMetrics metrics, Faults faults, Function<HttpCall, HttpReply> http) {
        this.settings = settings;
        this.metrics = metrics;
        this.faults = faults;
        this.http = http;
        faults.attach(this);
    }

    int start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A bounded socket-side buffer: past it we stop writing, so pongs overtake the backlog.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpContentCompressor(256, StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate()));
                        ch.pipeline().addLast(new HttpObjectAggregator(1024 * 1024));
                        ch.pipeline().addLast(new WebSocketServerCompressionHandler(0));
                        ch.pipeline().addLast(new ConnectionHandler());
                    }
                });
        serverChannel = b.bind(settings.bindHost(), settings.port()).sync().channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("alpaca-sim listening on {}:{} (plan {}, {} connection(s) per key and feed)",
                settings.bindHost(), port, settings.plan(), settings.connectionLimit());
        return port;
    }

    int port() {
        return port;
    }

    ServerSettings settings() {
        return settings;
    }

    SimMetrics metrics() {
        return metrics;
    }

    Faults faults() {
        return faults;
    }

    int connectionCount() {
        return sessions.size();
    }

    int authenticatedCount() {
        return authenticatedCount.get();
    }

    // ------------------------------------------------------------------ sessions

    boolean credentialsValid(String key, String secret) {
        return constantTimeEquals(key, settings.key()) & constantTimeEquals(secret, settings.secret());
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    synchronized boolean acquireSlot(String key, String feed, Session s) {
        Set<Session> held = slots.computeIfAbsent(key + '|' + feed, k -> ConcurrentHashMap.newKeySet());
        if (held.size() >= settings.connectionLimit()) {
            return false;
        }
        held.add(s);
        authenticatedCount.incrementAndGet();
        return true;
    }

    synchronized void releaseSlot(String key, String feed, Session s) {
        Set<Session> held = slots.get(key + '|' + feed);
        if (held != null && held.remove(s)) {
            authenticatedCount.decrementAndGet();
        }
    }

    void removed(Session s) {
        if (sessions.remove(s)) {
            log.info("session {} on {} closed", s.id, s.feed);
        }
    }

    /** From the market thread: each authenticated session gets the messages it subscribed to. */
    void broadcast(List<AlpacaMessage> batch, boolean duplicate) {
        for (Session s : sessions) {
            if (!s.authenticated()) {
                continue;
            }
            Subscriptions subs = s.subscriptions();
            if (subs.isEmpty()) {
                continue;
            }
            List<AlpacaMessage> mine = null;
            for (AlpacaMessage m : batch) {
                if (subs.wants(m)) {
                    if (mine == null) {
                        mine = new ArrayList<>();
                    }
                    mine.add(m);
                }
            }
            if (mine != null) {
                s.offer(mine, duplicate);
            }
        }
    }

    /** Scripted frames go verbatim to every authenticated session, in the session's encoding when they parse. */
    void broadcastRaw(byte[] json, byte[] msgpack) {
        for (Session s : sessions) {
            if (s.authenticated()) {
                if (s.msgpack && msgpack != null) {
                    s.offerRaw(msgpack, true);
                } else {
                    s.offerRaw(json, false);
                }
            }
        }
    }

    void broadcastMalformed() {
        byte[] json = "[{\"T\":\"t\",\"S\":\"AAPL\",\"i\":".getBytes(StandardCharsets.UTF_8);
        byte[] msgpack = {(byte) 0x91, (byte) 0x83, (byte) 0xa1, 'T', (byte) 0xa1}; // array(1) of map(3), truncated
        for (Session s : sessions) {
            if (s.authenticated()) {
                s.offerRaw(s.msgpack ? msgpack : json, s.msgpack);
            }
        }
    }

    void dropAll() {
        for (Session s : sessions) {
            Channel ch = s.channel;
            ch.eventLoop().execute(() -> {
                ch.config().setOption(ChannelOption.SO_LINGER, 0); // close sends RST: no close handshake
                ch.close();
            });
        }
    }

    void silenceAll(Duration d) {
        for (Session s : sessions) {
            s.silenceFor(d.toNanos());
        }
    }

    @Override
    public void close() {
        for (Session s : sessions) {
            s.channel.close();
        }
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        restPool.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ the channel handler

    private final class ConnectionHandler extends SimpleChannelInboundHandler<Object> {
        private Session session;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                if (session != null) {
                    session.onFrame(frame);
                }
            } else if (msg instanceof FullHttpRequest req) {
                if (!req.decoderResult().isSuccess()) {
                    respond(ctx, HttpReply.error(400, "bad request"), false);
                } else if (req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                    upgrade(ctx, req);
                } else {
                    HttpCall call = toCall(req);
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    restPool.execute(() -> {
                        HttpReply reply;
                        try {
                            reply = http.apply(call);
                        } catch (RuntimeException e) {
                            log.error("HTTP {} {} failed", call.method(), call.path(), e);
                            reply = HttpReply.error(500, "internal server error");
                        }
                        respond(ctx, reply, keepAlive);
                    });
                }
            }
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            String feed = path.startsWith("/v2/") ? path.substring(4) : null;
            if (feed == null || !Plan.FEEDS.contains(feed)) {
                respond(ctx, HttpReply.error(404, "not found"), false);
                return;
            }
            if (faults.takeUpgrade429()) {
                metrics.upgradesRejected.increment();
                log.info("upgrade to {} answered HTTP 429 (fault)", path);
                respond(ctx, HttpReply.error(429, "too many requests").with("Retry-After", "1"), false);
                return;
            }
            String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            boolean msgpack = contentType.toLowerCase().contains("application/msgpack");
            String key = req.headers().get("APCA-API-KEY-ID");
            String secret = req.headers().get("APCA-API-SECRET-KEY");
            String authz = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (key == null && authz != null && authz.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    String pair = new String(Base64.getDecoder().decode(authz.substring(6).trim()), StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    key = colon < 0 ? pair : pair.substring(0, colon);
                    secret = colon < 0 ? "" : pair.substring(colon + 1);
                } catch (IllegalArgumentException e) {
                    key = "";
                    secret = "";
                }
            }
            String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "127.0.0.1") + path;
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, true, MAX_FRAME_PAYLOAD).newHandshaker(req);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Session s = new Session(sessionIds.incrementAndGet(), ctx.channel(), feed, msgpack, StreamServer.this);
            String hk = key;
            String hsecret = secret;
            hs.handshake(ctx.channel(), req).addListener(f -> {
                if (f.isSuccess()) {
                    session = s;
                    sessions.add(s);
                    log.info("session {} opened on {} ({}{})", s.id, feed, msgpack ? "msgpack" : "json",
                            hk != null ? ", header auth" : "");
                    s.start(hk, hsecret);
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (session != null && ctx.channel().isWritable()) {
                session.drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (session != null) {
                session.closed();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static HttpCall toCall(FullHttpRequest req) {
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(), e.getValue()));
        return new HttpCall(req.method().name(), qs.path(), qs.parameters(), headers, ByteBufUtil.getBytes(req.content()));
    }

    private static void respond(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        reply.headers().forEach((k, v) -> res.headers().set(k, v));
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
