package dev.stockpipe.sim;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on demand, the same from the library and from {@code POST /admin/faults/{name}}. Each applies
 * to the sessions open when it is called (or to the next ones, for the counted faults).
 */
public final class Faults {
    private static final Logger log = LoggerFactory.getLogger(Faults.class);

    private volatile StreamServer server;
    private volatile long refuseUntilNanos;
    private final AtomicInteger rest429 = new AtomicInteger();
    private final AtomicInteger upgrade429 = new AtomicInteger();
    private final AtomicBoolean duplicateNext = new AtomicBoolean();

    void attach(StreamServer server) {
        this.server = server;
    }

    /** Drops every open session without a close handshake (TCP reset), as a network failure does. */
    public void dropConnections() {
        log.info("fault: dropping all connections");
        server.dropAll();
    }

    /** Open sessions stop sending, reading and answering pings for {@code d}, without closing: a dead socket. */
    public void goSilent(Duration d) {
        log.info("fault: open sessions go silent for {}", d);
        server.silenceAll(d);
    }

    /** Sends one frame that is not valid JSON (or MessagePack) to every authenticated session. */
    public void sendMalformedFrame() {
        log.info("fault: sending a malformed frame");
        server.broadcastMalformed();
    }

    /** The next data frame each session receives is sent twice. */
    public void duplicateNextFrame() {
        log.info("fault: duplicating the next data frame");
        duplicateNext.set(true);
    }

    /** Every auth in the next {@code d} gets 406 connection limit exceeded (the socket stays open). */
    public void refuseConnections(Duration d) {
        log.info("fault: refusing connections with 406 for {}", d);
        refuseUntilNanos = System.nanoTime() + d.toNanos();
    }

    /** The next {@code times} REST requests get 429 with Retry-After and X-RateLimit-* headers. */
    public void rest429(int times) {
        log.info("fault: next {} REST requests get 429", times);
        rest429.set(times);
    }

    /** The next {@code times} WebSocket upgrades get HTTP 429 instead of 101, as in reconnect storms (§6). */
    public void rejectUpgrades(int times) {
        log.info("fault: next {} WebSocket upgrades get HTTP 429", times);
        upgrade429.set(times);
    }

    // ------------------------------------------------------------------ queried by the server

    boolean refusingConnections() {
        long until = refuseUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    boolean takeRest429() {
        return take(rest429);
    }

    boolean takeUpgrade429() {
        return take(upgrade429);
    }

    boolean takeDuplicate() {
        return duplicateNext.getAndSet(false);
    }

    private static boolean take(AtomicInteger n) {
        while (true) {
            int v = n.get();
            if (v <= 0) {
                return false;
            }
            if (n.compareAndSet(v, v - 1)) {
                return true;
            }
        }
    }
}
