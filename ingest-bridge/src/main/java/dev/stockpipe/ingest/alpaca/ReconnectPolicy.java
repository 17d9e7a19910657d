package dev.stockpipe.ingest.alpaca;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential backoff with full jitter ({@code random * min(cap, base * 2^attempt)}), capped.
 * 406 (connection limit: another session on the key, or a dirty drop the server holds for ~90 s) and HTTP 429
 * wait at least {@code limitWait} (or the server's Retry-After, when longer) plus the jittered backoff, so a fleet
 * of restarts does not come back in step. Attempts reset only after a session stayed up for {@code stableAfter},
 * so a server that accepts and drops at once still backs off. Clock and randomness are injected; waiting is
 * {@link StopSignal}'s job, so shutdown interrupts it.
 */
public final class ReconnectPolicy {
    /** Why the last session ended, as far as the wait is concerned. */
    public enum Cause { DISCONNECTED, CONNECTION_LIMIT, RATE_LIMITED }

    private final Duration base;
    private final Duration cap;
    private final Duration limitWait;
    private final Duration stableAfter;
    private final Clock clock;
    private final DoubleSupplier random;

    private int attempt;
    private Instant connectedAt;

    public ReconnectPolicy(Duration base, Duration cap, Duration limitWait, Duration stableAfter, Clock clock, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got base=" + base + " cap=" + cap);
        }
        this.base = base;
        this.cap = cap;
        this.limitWait = limitWait;
        this.stableAfter = stableAfter;
        this.clock = clock;
        this.random = random;
    }

    /** Call when a session is subscribed (fully up). */
    public synchronized void onSessionUp() {
        connectedAt = clock.instant();
    }

    /** The delay before the next attempt; counts the attempt. {@code serverHint} (Retry-After) may be null. */
    public synchronized Duration nextDelay(Cause cause, Duration serverHint) {
        if (connectedAt != null && Duration.between(connectedAt, clock.instant()).compareTo(stableAfter) >= 0) {
            attempt = 0;
        }
        connectedAt = null;
        Duration ceiling = ceiling(attempt);
        if (attempt < 62) {
            attempt++;
        }
        long jitterMs = (long) (random.getAsDouble() * ceiling.toMillis());
        Duration jitter = Duration.ofMillis(jitterMs);
        if (cause == Cause.DISCONNECTED) {
            return jitter;
        }
        Duration floor = limitWait;
        if (serverHint != null && serverHint.compareTo(floor) > 0) {
            floor = serverHint;
        }
        return floor.plus(jitter);
    }

    /** {@code min(cap, base * 2^attempt)} without overflow. */
    Duration ceiling(int attempt) {
        if (attempt >= 31) {
            return cap;
        }
        long ms = base.toMillis() << attempt;
        return ms <= 0 || ms > cap.toMillis() ? cap : Duration.ofMillis(ms);
    }

    public synchronized int attempts() {
        return attempt;
    }
}
