package dev.stockpipe.relay.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each live event to the clients subscribed to its symbol (or to "*"). The index maps a symbol to an
 * array of clients, replaced on change, so {@link #publish} walks a plain array with no lock and no
 * allocation: one event, one shared byte array, any number of clients. Each client's {@link ClientQueue}
 * writes asynchronously, so a slow client never delays the others.
 */
public final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
    private static final RelayClient[] NONE = new RelayClient[0];

    private final ConcurrentHashMap<String, RelayClient[]> bySymbol = new ConcurrentHashMap<>();
    private final Object wildcardLock = new Object();
    private volatile RelayClient[] wildcard = NONE;
    private final Set<RelayClient> clients = ConcurrentHashMap.newKeySet();

    private final int maxClients;
    private final int queueSize;
    private final int inFlight;
    private final int maxConflatedKeys;
    private final long maxConflationNanos;
    private final RelayMetrics metrics;
    private final LongSupplier nanoClock;

    public FanOut(int maxClients, int queueSize, int inFlight, int maxSymbolsPerClient, long maxConflationNanos,
                  RelayMetrics metrics, LongSupplier nanoClock) {
        this.maxClients = maxClients;
        this.queueSize = queueSize;
        this.inFlight = inFlight;
        // a wildcard client may hold every symbol of the feed: the bound is generous but finite
        this.maxConflatedKeys = Math.max(queueSize, 2 * Math.max(maxSymbolsPerClient, 10_000)) + 64;
        this.maxConflationNanos = maxConflationNanos;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        metrics.clientsGauge(clients::size);
    }

    /** Creates and registers a client, or returns null when the relay is full. */
    public RelayClient connect(String id, ClientSink sink) {
        if (clients.size() >= maxClients) {
            metrics.clientDropped("max_clients");
            return null;
        }
        RelayClient c = new RelayClient(id, sink, self -> new ClientQueue(sink, queueSize, inFlight,
                maxConflatedKeys, metrics, nanoClock,
                (reason, cause) -> {
                    if (cause == null) {
                        drop(self, CloseCodes.TRY_AGAIN_LATER, "too slow: " + reason, "overflow", null);
                    } else {
                        drop(self, CloseCodes.INTERNAL_ERROR, "connection broken", "write_failed", cause);
                    }
                }));
        clients.add(c);
        return c;
    }

    /** Forgets a client whose connection ended. */
    public void disconnect(RelayClient c) {
        if (!clients.remove(c)) {
            return;
        }
        c.queue().close();
        unsubscribeAll(c);
    }

    /** Closes a client on the relay's initiative, with a reason it can read; counted by reason. */
    public void drop(RelayClient c, int code, String reason, String metricReason, Throwable cause) {
        if (!c.markDropped()) {
            return;
        }
        metrics.clientDropped(metricReason);
        if (cause != null) {
            LOG.debug("closing {}: {} ({})", c, reason, cause.toString());
        } else {
            LOG.info("closing {}: {}", c, reason);
        }
        // control frames still queued (the error explaining a flooding close) go out ahead of the close
        List<Outbound> last = c.queue().closeKeepingControl();
        disconnect(c);
        try {
            if (!last.isEmpty()) {
                c.sink().sendBatch(last);
            }
            c.sink().close(code, reason);
        } catch (RuntimeException e) {
            LOG.debug("close of {} failed", c, e);
            c.sink().abort();
        }
    }

    /** Adds symbols; returns the ones that were new to this client. */
    public List<String> subscribe(RelayClient c, Collection<String> symbols) {
        List<String> added = new ArrayList<>();
        synchronized (c) {
            for (String s : symbols) {
                if (c.mutableSymbols().add(s)) {
                    added.add(s);
                }
            }
        }
        for (String s : added) {
            bySymbol.compute(s, (k, arr) -> {
                if (arr == null) {
                    return new RelayClient[] {c};
                }
                RelayClient[] next = Arrays.copyOf(arr, arr.length + 1);
                next[arr.length] = c;
                return next;
            });
        }
        if (c.queue().isClosed()) {
            unsubscribeAll(c); // raced with a disconnect: leave nothing behind
        }
        return added;
    }

    /** Removes symbols; returns the ones the client had. */
    public List<String> unsubscribe(RelayClient c, Collection<String> symbols) {
        List<String> removed = new ArrayList<>();
        synchronized (c) {
            for (String s : symbols) {
                if (c.mutableSymbols().remove(s)) {
                    removed.add(s);
                }
            }
        }
        for (String s : removed) {
            removeFromIndex(c, s);
        }
        return removed;
    }

    public void subscribeAll(RelayClient c) {
        synchronized (wildcardLock) {
            if (c.isWildcard()) {
                return;
            }
            c.wildcard(true);
            RelayClient[] next = Arrays.copyOf(wildcard, wildcard.length + 1);
            next[wildcard.length] = c;
            wildcard = next;
        }
        if (c.queue().isClosed()) {
            unsubscribeAll(c);
        }
    }

    /** Drops "*" and every explicit symbol. */
    public void unsubscribeAll(RelayClient c) {
        synchronized (wildcardLock) {
            if (c.isWildcard()) {
                c.wildcard(false);
                wildcard = Arrays.stream(wildcard).filter(x -> x != c).toArray(RelayClient[]::new);
            }
        }
        List<String> had;
        synchronized (c) {
            had = new ArrayList<>(c.mutableSymbols());
            c.mutableSymbols().clear();
        }
        for (String s : had) {
            removeFromIndex(c, s);
        }
    }

    private void removeFromIndex(RelayClient c, String s) {
        bySymbol.computeIfPresent(s, (k, arr) -> {
            RelayClient[] next = Arrays.stream(arr).filter(x -> x != c).toArray(RelayClient[]::new);
            return next.length == 0 ? null : next;
        });
    }

    /** Hands one live event to every subscriber. Called from the Redis thread; never blocks. */
    public void publish(Outbound e) {
        RelayClient[] subs = bySymbol.get(e.symbol());
        if (subs != null) {
            for (RelayClient c : subs) {
                if (!c.isWildcard()) { // a wildcard client gets it below, once
                    c.queue().offerLive(e);
                }
            }
        }
        for (RelayClient c : wildcard) {
            c.queue().offerLive(e);
        }
    }

    /** Closes clients that have been conflating for longer than the limit; run periodically. */
    public int sweep() {
        long now = nanoClock.getAsLong();
        int closed = 0;
        for (RelayClient c : clients) {
            long behind = c.queue().conflatingForNanos(now);
            if (behind > maxConflationNanos) {
                drop(c, CloseCodes.TRY_AGAIN_LATER,
                        "too slow: behind for more than " + (maxConflationNanos / 1_000_000) + " ms", "too_slow", null);
                closed++;
            }
        }
        return closed;
    }

    /** Closes every client (shutdown). */
    public void closeAll(int code, String reason) {
        for (RelayClient c : List.copyOf(clients)) {
            drop(c, code, reason, "shutdown", null);
        }
    }

    public int clientCount() {
        return clients.size();
    }

    public Collection<RelayClient> clients() {
        return List.copyOf(clients);
    }

    /** Subscribers of a symbol in the index (for tests and metrics). */
    public int subscriberCount(String symbol) {
        RelayClient[] arr = bySymbol.get(symbol);
        return arr == null ? 0 : arr.length;
    }
}
