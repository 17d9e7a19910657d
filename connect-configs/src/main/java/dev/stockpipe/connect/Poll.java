package dev.stockpipe.connect;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition every quarter of a second until it holds or the timeout has passed. */
final class Poll {
    static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {}

    /** True once the condition held; false when the timeout passed first. */
    static boolean until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(INTERVAL.toMillis());
        }
        return true;
    }
}
