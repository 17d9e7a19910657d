package dev.stockpipe.relay;

import io.micronaut.http.netty.websocket.NettyWebSocketSession;
import io.micronaut.websocket.WebSocketSession;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty channel behind a Micronaut WebSocket session, read once by reflection (Micronaut keeps it private).
 * With it, both transports (/ws and Socket.IO) write a batch with one flush; without it (another Micronaut
 * internals layout) they fall back to the session API.
 */
public final class NettyChannels {
    private static final Logger LOG = LoggerFactory.getLogger(NettyChannels.class);
    private static final Field CHANNEL_FIELD = channelField();

    private NettyChannels() {}

    private static Field channelField() {
        try {
            Field f = NettyWebSocketSession.class.getDeclaredField("channel");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Netty channel of WebSocket sessions not reachable ({}); writes flush per frame", e.toString());
            return null;
        }
    }

    /** The session's channel, or null when it cannot be reached. */
    public static Channel of(WebSocketSession session) {
        if (CHANNEL_FIELD == null || !(session instanceof NettyWebSocketSession)) {
            return null;
        }
        try {
            return (Channel) CHANNEL_FIELD.get(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
