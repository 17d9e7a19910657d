package dev.stockpipe.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Model time that runs {@code factor} times faster than real time from the base clock's instant at creation. */
final class AcceleratedClock extends Clock {
    private final Instant origin;
    private final long originNanos;
    private final double factor;

    AcceleratedClock(Clock base, double factor) {
        this.origin = base.instant();
        this.originNanos = System.nanoTime();
        this.factor = factor;
    }

    @Override
    public Instant instant() {
        return origin.plusNanos((long) ((System.nanoTime() - originNanos) * factor));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
