package dev.stockpipe.relay;

import dev.stockpipe.relay.core.ClientSink;
import dev.stockpipe.relay.core.Outbound;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@link ClientSink} over a Micronaut WebSocket session. Frames wrap the event's shared bytes (no copy, no
 * re-encoding per client). With the session's Netty channel, a batch is written with one flush on the
 * channel's event loop, and a client that stopped reading can be dropped without waiting for its close
 * frame; without it (another Micronaut internals layout), it falls back to the session API.
 */
final class NettySink implements ClientSink {
    /** A client that does not read its close frame within this time is cut off. */
    private static final long CLOSE_GRACE_MS = 2000;

    private final WebSocketSession session;
    private final Channel channel;

    NettySink(WebSocketSession session) {
        this.session = session;
        this.channel = NettyChannels.of(session);
    }

    @Override
    public CompletionStage<Void> sendBatch(List<Outbound> frames) {
        if (channel == null) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[frames.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = session.sendAsync(new TextWebSocketFrame(Unpooled.wrappedBuffer(frames.get(i).json())));
            }
            return CompletableFuture.allOf(all);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable write = () -> {
            if (!channel.isActive()) {
                done.completeExceptionally(new ClosedChannelException());
                return;
            }
            int last = frames.size() - 1;
            for (int i = 0; i < last; i++) {
                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frames.get(i).json())),
                        channel.voidPromise());
            }
            ChannelFuture f = channel.writeAndFlush(
                    new TextWebSocketFrame(Unpooled.wrappedBuffer(frames.get(last).json())));
            f.addListener(x -> {
                if (x.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(x.cause());
                }
            });
        };
        // Always through the task queue, even on the event loop: a batch written inline could overtake a
        // batch an earlier pump already queued from another thread.
        channel.eventLoop().execute(write);
        return done;
    }

    @Override
    public void close(int code, String reason) {
        if (channel == null) {
            session.close(new CloseReason(code, reason));
            return;
        }
        // queued after the batches already handed over, so e.g. the error event before a flooding close arrives
        channel.eventLoop().execute(() -> session.close(new CloseReason(code, reason)));
        if (channel != null) {
            channel.eventLoop().schedule(() -> {
                if (channel.isOpen()) {
                    channel.close();
                }
            }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void abort() {
        if (channel != null) {
            channel.close();
        } else {
            session.close(CloseReason.ABNORMAL_CLOSURE);
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
