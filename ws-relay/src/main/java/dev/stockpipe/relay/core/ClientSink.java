package dev.stockpipe.relay.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The transport under one client (a Micronaut WebSocket session, later a Socket.IO socket, or a test double).
 * The fan-out core knows nothing else about it.
 */
public interface ClientSink {

    /**
     * Writes the frames in order, flushing once at the end; the stage completes when all of them have been
     * handed to the socket (or fails if the connection broke). Never blocks. {@link ClientQueue} calls it
     * from one thread at a time.
     */
    CompletionStage<Void> sendBatch(List<Outbound> frames);

    /** Starts a clean close with a WebSocket close code and a reason the client can read. */
    void close(int code, String reason);

    /** Drops the connection without waiting for the close frame (a client that stopped reading). */
    void abort();

    boolean isOpen();
}
