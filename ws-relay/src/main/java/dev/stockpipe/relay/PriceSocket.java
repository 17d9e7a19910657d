package dev.stockpipe.relay;

import dev.stockpipe.relay.core.ClientProtocol;
import dev.stockpipe.relay.core.CloseCodes;
import dev.stockpipe.relay.core.FanOut;
import dev.stockpipe.relay.core.MessageAssembler;
import dev.stockpipe.relay.core.RelayClient;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The /ws endpoint: adapts Micronaut sessions to the transport-free core ({@link FanOut}, {@link ClientProtocol}).
 * Handlers run on the connection's event loop and do no blocking work.
 */
@ServerWebSocket("/ws")
public class PriceSocket {
    private static final Logger LOG = LoggerFactory.getLogger(PriceSocket.class);
    private static final String CLIENT = "stockpipe.client";
    private static final String ASSEMBLER = "stockpipe.assembler";

    private final FanOut fanOut;
    private final ClientProtocol protocol;
    private final RelayConfig config;
    private final OpenSessions open;

    public PriceSocket(FanOut fanOut, ClientProtocol protocol, RelayConfig config, OpenSessions open) {
        this.fanOut = fanOut;
        this.protocol = protocol;
        this.config = config;
        this.open = open;
    }

    @OnOpen
    public void onOpen(WebSocketSession session, HttpRequest<?> request) {
        open.opened();
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (!config.originAllowed(origin)) {
            LOG.info("refusing WebSocket from origin {} ({} not in {})", origin, RelayConfig.RELAY_ALLOWED_ORIGINS,
                    config.allowedOrigins());
            session.close(new CloseReason(CloseCodes.POLICY_VIOLATION, "origin not allowed"));
            return;
        }
        RelayClient client = fanOut.connect(session.getId(), new NettySink(session));
        if (client == null) {
            LOG.warn("refusing WebSocket: {} clients connected ({})", fanOut.clientCount(), RelayConfig.RELAY_MAX_CLIENTS);
            session.close(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "relay full, try again later"));
            return;
        }
        session.put(CLIENT, client);
        session.put(ASSEMBLER, new MessageAssembler(config.maxMessageBytes()));
        LOG.debug("{} connected from {}", client, request.getRemoteAddress());
    }

    @OnMessage(maxPayloadLength = RelayConfig.HARD_MAX_FRAME_BYTES)
    public void onMessage(WebSocketFrame frame, WebSocketSession session) {
        try {
            RelayClient client = session.get(CLIENT, RelayClient.class).orElse(null);
            if (client == null) {
                return;
            }
            MessageAssembler assembler = session.get(ASSEMBLER, MessageAssembler.class).orElse(null);
            if (assembler == null) {
                return;
            }
            int length = frame.content().readableBytes();
            MessageAssembler.Message m;
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                boolean binary = frame instanceof BinaryWebSocketFrame;
                byte[] bytes = assembler.keeps(true, binary, length) ? ByteBufUtil.getBytes(frame.content()) : null;
                m = assembler.first(binary, bytes, length, frame.isFinalFragment());
            } else if (frame instanceof ContinuationWebSocketFrame) {
                byte[] bytes = assembler.keeps(false, false, length) ? ByteBufUtil.getBytes(frame.content()) : null;
                m = assembler.continuation(bytes, length, frame.isFinalFragment());
            } else {
                return;
            }
            if (m.kind() != MessageAssembler.Kind.PARTIAL) {
                protocol.onMessage(client, m);
            }
        } catch (RuntimeException e) {
            // one client's message must never take the connection handler down
            LOG.warn("unexpected failure handling a message of session {}", session.getId(), e);
        } finally {
            frame.release();
        }
    }

    @OnClose
    public void onClose(WebSocketSession session) {
        open.closed();
        session.get(CLIENT, RelayClient.class).ifPresent(c -> {
            fanOut.disconnect(c);
            LOG.debug("{} disconnected", c);
        });
    }

    @OnError
    public void onError(WebSocketSession session, Throwable error) {
        LOG.debug("WebSocket error on session {}: {}", session.getId(), error.toString());
    }
}
