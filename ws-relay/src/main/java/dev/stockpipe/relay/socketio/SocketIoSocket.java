package dev.stockpipe.relay.socketio;

import dev.stockpipe.relay.RelayConfig;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine.IO WebSocket transport at {@code /socket.io/} (Micronaut routes upgrade requests here and plain GETs
 * to {@link SocketIoController}): a WebSocket-only session, or the upgrade of a polling one.
 */
// "{/path}" makes this route less specific than SocketIoController's GET /socket.io/, so a plain GET (with or
// without an Accept header) is routed to the polling transport and only upgrade requests come here
@ServerWebSocket("/socket.io{/path}")
public class SocketIoSocket {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoSocket.class);
    private static final String SESSION = "stockpipe.sio.session";
    private static final String OUT = "stockpipe.sio.out";

    private final SocketIoServer sio;

    public SocketIoSocket(SocketIoServer sio) {
        this.sio = sio;
    }

    @OnOpen
    public void onOpen(WebSocketSession session, HttpRequest<?> request) {
        WsOut out = new WsOut(session);
        session.put(OUT, out);
        EioSession s = sio.openWebSocket(out, request.getParameters().get("EIO"),
                request.getParameters().get("transport"), request.getParameters().get("sid"),
                request.getHeaders().get(HttpHeaders.ORIGIN));
        if (s != null) {
            session.put(SESSION, s);
        }
    }

    @OnMessage(maxPayloadLength = RelayConfig.HARD_MAX_FRAME_BYTES)
    public void onMessage(WebSocketFrame frame, WebSocketSession session) {
        try {
            EioSession s = session.get(SESSION, EioSession.class).orElse(null);
            WsOut out = session.get(OUT, WsOut.class).orElse(null);
            if (s == null || out == null) {
                return;
            }
            if (frame instanceof TextWebSocketFrame && frame.isFinalFragment()) {
                s.onWebSocketText(out, ((TextWebSocketFrame) frame).text());
            } else if (s.client() != null) {
                // socket.io-client sends only whole text frames here (no binary attachments in this protocol)
                sio.protocol().reject(s.client(), "binary_not_supported", "only text packets are supported");
            }
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure handling a Socket.IO frame of session {}", session.getId(), e);
        } finally {
            frame.release();
        }
    }

    @OnClose
    public void onClose(WebSocketSession session) {
        EioSession s = session.get(SESSION, EioSession.class).orElse(null);
        WsOut out = session.get(OUT, WsOut.class).orElse(null);
        if (s != null && out != null) {
            s.onWebSocketClosed(out);
        }
    }

    @OnError
    public void onError(WebSocketSession session, Throwable error) {
        LOG.debug("Socket.IO WebSocket error on session {}: {}", session.getId(), error.toString());
    }
}
