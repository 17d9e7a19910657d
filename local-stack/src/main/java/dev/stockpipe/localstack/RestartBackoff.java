package dev.stockpipe.localstack;

import java.time.Duration;
import java.util.Random;

/**
 * Delay before restarting a crashed service: base doubling per consecutive crash up to max, with
 * jitter in [delay/2, delay] so that services that died together do not restart in lockstep.
 * A service that stayed up for {@link #STABLE} counts as healthy again and starts over at base.
 */
public final class RestartBackoff {
    /** Uptime after which the crash count resets. */
    public static final Duration STABLE = Duration.ofSeconds(60);

    private final Duration base;
    private final Duration max;
    private final Random random;
    private int consecutive;

    public RestartBackoff(Duration base, Duration max, Random random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max, got base=" + base + " max=" + max);
        }
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The delay before the next start, given how long the process that just exited had run. */
    public synchronized Duration next(Duration uptime) {
        if (uptime.compareTo(STABLE) >= 0) {
            consecutive = 0;
        }
        long ceiling = base.toMillis() << Math.min(consecutive, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        consecutive++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half)));
    }

    public synchronized int consecutiveCrashes() {
        return consecutive;
    }
}
