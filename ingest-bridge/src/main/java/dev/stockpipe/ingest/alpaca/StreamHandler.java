package dev.stockpipe.ingest.alpaca;

/** What the stream client hands on. All calls come from the socket's reader, one at a time, in frame order. */
public interface StreamHandler {
    /**
     * One frame's data messages (control messages removed) and its problem, if any; {@code raw} is the frame. May block only for Kafka
     * backpressure; while it does, {@link #backpressured()} is true and the heartbeat does not judge the socket.
     */
    void onFrame(ParsedFrame frame, byte[] raw, long receivedAtEpochNanos, long receivedNanoTime, String session);

    /** The subscription of a session is confirmed. {@code afterGap} is true when an earlier session had been up. */
    void onSubscribed(String session, boolean afterGap);

    /** A session ended (it may not have been subscribed). */
    void onSessionDown(String session, String reason);

    /** True while the reader waits on Kafka. */
    boolean backpressured();
}
