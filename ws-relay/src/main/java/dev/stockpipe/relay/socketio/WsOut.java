package dev.stockpipe.relay.socketio;

import dev.stockpipe.relay.NettyChannels;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The write side of one Engine.IO WebSocket: batches of text frames with one flush, in call order (always through
 * the channel's task queue, so a caller holding a session lock only enqueues). Falls back to the session API
 * when the Netty channel is not reachable.
 */
final class WsOut {
    private static final long CLOSE_GRACE_MS = 2000;

    private final WebSocketSession session;
    private final Channel channel;

    WsOut(WebSocketSession session) {
        this.session = session;
        this.channel = NettyChannels.of(session);
    }

    WebSocketSession session() {
        return session;
    }

    CompletableFuture<Void> write(List<byte[]> packets) {
        if (packets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (channel == null) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[packets.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = session.sendAsync(new TextWebSocketFrame(Unpooled.wrappedBuffer(packets.get(i))));
            }
            return CompletableFuture.allOf(all);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                done.completeExceptionally(new ClosedChannelException());
                return;
            }
            int last = packets.size() - 1;
            for (int i = 0; i < last; i++) {
                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(packets.get(i))), channel.voidPromise());
            }
            ChannelFuture f = channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(packets.get(last))));
            f.addListener(x -> {
                if (x.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(x.cause());
                }
            });
        });
        return done;
    }

    /** A clean close after what is already queued; the socket is cut if the peer does not answer in time. */
    void close(int code, String reason) {
        if (channel == null) {
            session.close(new CloseReason(code, reason));
            return;
        }
        channel.eventLoop().execute(() -> session.close(new CloseReason(code, reason)));
        channel.eventLoop().schedule(() -> {
            if (channel.isOpen()) {
                channel.close();
            }
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    void abort() {
        if (channel != null) {
            channel.close();
        } else {
            session.close(CloseReason.ABNORMAL_CLOSURE);
        }
    }
}
