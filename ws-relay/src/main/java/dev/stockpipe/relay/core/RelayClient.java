package dev.stockpipe.relay.core;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connected client, whatever its transport: its subscriptions, its outbound {@link ClientQueue} and its
 * message-rate window. Subscription state is changed only through {@link FanOut}, which keeps its index in step.
 */
public final class RelayClient {
    private final String id;
    private final ClientSink sink;
    private final ClientQueue queue;
    private final TreeSet<String> symbols = new TreeSet<>();
    private volatile boolean wildcard;
    private final AtomicBoolean dropped = new AtomicBoolean();

    private long windowStartNanos;
    private int windowCount;
    private boolean warnedThisWindow;

    RelayClient(String id, ClientSink sink, java.util.function.Function<RelayClient, ClientQueue> queueFactory) {
        this.id = id;
        this.sink = sink;
        this.queue = queueFactory.apply(this);
    }

    public String id() {
        return id;
    }

    public ClientSink sink() {
        return sink;
    }

    public ClientQueue queue() {
        return queue;
    }

    public boolean isWildcard() {
        return wildcard;
    }

    void wildcard(boolean on) {
        wildcard = on;
    }

    /** The explicit symbols (without "*"), sorted; a snapshot copy. */
    public synchronized Set<String> symbols() {
        return Collections.unmodifiableSet(new TreeSet<>(symbols));
    }

    synchronized TreeSet<String> mutableSymbols() {
        return symbols;
    }

    /** Marks the client dropped; true only for the first caller. */
    boolean markDropped() {
        return dropped.compareAndSet(false, true);
    }

    public boolean isDropped() {
        return dropped.get();
    }

    /** The verdict of the message-rate window for one more client message. */
    public enum Rate { OK, OVER_LIMIT_WARN, OVER_LIMIT_QUIET, FLOOD }

    /** Counts one client message in a one-second window. */
    public synchronized Rate countMessage(long nowNanos, int limit, int floodLimit) {
        if (nowNanos - windowStartNanos >= 1_000_000_000L) {
            windowStartNanos = nowNanos;
            windowCount = 0;
            warnedThisWindow = false;
        }
        windowCount++;
        if (windowCount > floodLimit) {
            return Rate.FLOOD;
        }
        if (windowCount > limit) {
            // one error event per window, so a fast client cannot make us send more than it sends
            if (warnedThisWindow) {
                return Rate.OVER_LIMIT_QUIET;
            }
            warnedThisWindow = true;
            return Rate.OVER_LIMIT_WARN;
        }
        return Rate.OK;
    }

    @Override
    public String toString() {
        return "client " + id;
    }
}
