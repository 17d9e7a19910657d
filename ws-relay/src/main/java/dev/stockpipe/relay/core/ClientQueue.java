package dev.stockpipe.relay.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The outbound side of one client: a bounded queue in front of an asynchronous {@link ClientSink}.
 *
 * <p>At most {@code maxInFlight} frames are handed to the sink and not yet written; behind them at most
 * {@code maxQueued} wait in order. When that queue is full the client starts <em>conflating</em>: the queue
 * folds into a map holding only the latest event per conflation key (per symbol and type), so the client
 * gets the newest price of each symbol as soon as it can take it, and memory stays bounded by the number of
 * keys, whatever the client does. Conflation ends when the map drains. Per-symbol order is always kept.
 * Control frames (subscribed, error) are never conflated away.
 *
 * <p>Thread-safe: events arrive from the Redis thread, write completions on the transport's threads. Only one
 * thread at a time calls the sink (the {@code pumping} flag), so frames reach it in queue order.
 */
public final class ClientQueue {
    /**
     * Batches handed to the sink and not yet written. Two keep the socket busy (one being written, one
     * waiting); events arriving meanwhile gather here and go out together as the next batch, with one write
     * task and one flush. Without this bound every event became its own batch whenever a single in-flight slot
     * freed up, so under load the relay paid a task, a flush and a syscall per event per client.
     */
    static final int MAX_BATCHES_IN_FLIGHT = 2;

    private final ClientSink sink;
    private final int maxQueued;
    private final int maxInFlight;
    private final int maxConflatedKeys;
    private final RelayMetrics metrics;
    private final LongSupplier nanoClock;

    private final ArrayDeque<Outbound> queue = new ArrayDeque<>();
    /** Non-null while conflating; insertion order = send order. */
    private LinkedHashMap<Object, Outbound> conflated;
    private long conflatingSinceNanos;
    private int inFlight;
    private int batchesInFlight;
    private boolean pumping;
    private boolean closed;
    private long conflatedTotal;
    private long conflationEpisodes;

    /** Symbols whose snapshot was asked for and no live trade was queued since (a snapshot then is stale). */
    private final Set<String> awaitingSnapshot = new HashSet<>();
    /** While a wildcard snapshot is pending: symbols that had a live trade since (null otherwise). */
    private Set<String> liveSinceWildcardSnapshot;

    /** Called once when the queue must give up on the client (overflow or a failed write). */
    private final Overflow overflow;

    /** What the queue reports to its owner when it can no longer serve the client. */
    @FunctionalInterface
    public interface Overflow {
        void giveUp(String reason, Throwable cause);
    }

    public ClientQueue(ClientSink sink, int maxQueued, int maxInFlight, int maxConflatedKeys, RelayMetrics metrics,
                       LongSupplier nanoClock, Overflow overflow) {
        this.sink = sink;
        this.maxQueued = maxQueued;
        this.maxInFlight = maxInFlight;
        this.maxConflatedKeys = maxConflatedKeys;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.overflow = overflow;
    }

    /** Queues a live event (trade or bar) for this client. */
    public void offerLive(Outbound e) {
        boolean full;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (e.trade()) {
                if (!awaitingSnapshot.isEmpty()) {
                    awaitingSnapshot.remove(e.symbol());
                }
                if (liveSinceWildcardSnapshot != null) {
                    liveSinceWildcardSnapshot.add(e.symbol());
                }
            }
            full = enqueue(e);
        }
        afterEnqueue(full);
    }

    /** Queues a control frame (subscribed, error). */
    public void offerControl(Outbound e) {
        boolean full;
        synchronized (this) {
            if (closed) {
                return;
            }
            full = enqueue(e);
        }
        afterEnqueue(full);
    }

    /** Notes that snapshots for these symbols were requested. */
    public synchronized void expectSnapshots(Collection<String> symbols) {
        awaitingSnapshot.addAll(symbols);
    }

    public synchronized void expectWildcardSnapshot() {
        liveSinceWildcardSnapshot = new HashSet<>();
    }

    /** Forgets pending snapshots of symbols the client unsubscribed. */
    public synchronized void cancelSnapshots(Collection<String> symbols) {
        awaitingSnapshot.removeAll(symbols);
    }

    public synchronized void cancelAllSnapshots() {
        awaitingSnapshot.clear();
        liveSinceWildcardSnapshot = null;
    }

    /**
     * Queues the snapshot trades that are still news: a snapshot of a symbol that already had a live trade
     * since the subscribe is older than what the client has, so it is skipped.
     *
     * @return how many were queued
     */
    public int offerSnapshots(List<Outbound> snapshots, boolean wildcard) {
        int queued = 0;
        boolean full = false;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            Set<String> seenLive = liveSinceWildcardSnapshot;
            if (wildcard) {
                liveSinceWildcardSnapshot = null;
            }
            for (Outbound s : snapshots) {
                boolean wanted = wildcard
                        ? seenLive != null && !seenLive.contains(s.symbol())
                        : awaitingSnapshot.remove(s.symbol());
                if (wanted) {
                    full |= enqueue(s.asSnapshot());
                    queued++;
                }
            }
        }
        afterEnqueue(full);
        return queued;
    }

    /** Under the lock. Returns true when the client must be given up (too many conflation keys). */
    private boolean enqueue(Outbound e) {
        if (conflated != null) {
            return putConflated(e);
        }
        if (queue.size() < maxQueued) {
            queue.add(e);
            return false;
        }
        conflated = new LinkedHashMap<>();
        conflatingSinceNanos = nanoClock.getAsLong();
        conflationEpisodes++;
        boolean full = false;
        for (Outbound q : queue) {
            full |= putConflated(q);
        }
        queue.clear();
        return putConflated(e) || full;
    }

    private boolean putConflated(Outbound e) {
        Object key = e.isControl() ? new Object() : e.conflationKey();
        // remove + put moves the key to the end, so the newest event keeps its place after earlier control frames
        Outbound previous = conflated.remove(key);
        conflated.put(key, e);
        if (previous != null) {
            conflatedTotal++;
            metrics.conflated();
        }
        return conflated.size() > maxConflatedKeys;
    }

    private void afterEnqueue(boolean full) {
        if (full) {
            overflow.giveUp("too many distinct symbols queued for a slow client", null);
            return;
        }
        pump();
    }

    /** Under the lock. */
    private Outbound pollNext() {
        if (conflated != null) {
            Iterator<Map.Entry<Object, Outbound>> it = conflated.entrySet().iterator();
            if (!it.hasNext()) {
                conflated = null;
                return queue.poll();
            }
            Outbound e = it.next().getValue();
            it.remove();
            if (conflated.isEmpty()) {
                conflated = null; // caught up
            }
            return e;
        }
        return queue.poll();
    }

    private void pump() {
        boolean owner = false;
        while (true) {
            List<Outbound> batch;
            synchronized (this) {
                if (owner) {
                    pumping = false;
                } else if (pumping) {
                    return; // the thread that pumps will see our work when it re-checks
                }
                if (closed || inFlight >= maxInFlight || batchesInFlight >= MAX_BATCHES_IN_FLIGHT) {
                    return;
                }
                int room = maxInFlight - inFlight;
                batch = new ArrayList<>(Math.min(room, 16));
                Outbound next;
                while (batch.size() < room && (next = pollNext()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    return;
                }
                inFlight += batch.size();
                batchesInFlight++;
                pumping = true;
                owner = true;
            }
            CompletionStage<Void> written;
            try {
                written = sink.sendBatch(batch);
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            written.whenComplete((v, err) -> onWritten(batch, err));
        }
    }

    private void onWritten(List<Outbound> batch, Throwable err) {
        if (err != null) {
            synchronized (this) {
                inFlight -= batch.size();
                batchesInFlight--;
            }
            overflow.giveUp("write failed", err);
            return;
        }
        long now = nanoClock.getAsLong();
        for (Outbound f : batch) {
            metrics.written(f, now);
        }
        synchronized (this) {
            inFlight -= batch.size();
            batchesInFlight--;
        }
        pump();
    }

    /**
     * Stops sending like {@link #close}, but returns the control frames still queued (the error that explains a
     * flooding close, say), in order, so the caller can hand them to the sink ahead of its close.
     */
    public List<Outbound> closeKeepingControl() {
        List<Outbound> control = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return control;
            }
            Iterable<Outbound> pending = conflated != null ? conflated.values() : queue;
            for (Outbound o : pending) {
                if (o.isControl()) {
                    control.add(o);
                }
            }
        }
        close();
        return control;
    }

    /** Stops sending and drops whatever is queued; idempotent. */
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            conflated = null;
            awaitingSnapshot.clear();
            liveSinceWildcardSnapshot = null;
        }
    }

    /** How long this client has been conflating without catching up, 0 when it is not. */
    public synchronized long conflatingForNanos(long nowNanos) {
        return conflated == null ? 0L : nowNanos - conflatingSinceNanos;
    }

    public synchronized boolean isConflating() {
        return conflated != null;
    }

    public synchronized int queued() {
        return conflated != null ? conflated.size() : queue.size();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public synchronized long conflatedTotal() {
        return conflatedTotal;
    }

    public synchronized long conflationEpisodes() {
        return conflationEpisodes;
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
