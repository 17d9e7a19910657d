package dev.stockpipe.ingest.alpaca;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shutdown, as something to wait on: every wait of the bridge ends early when {@link #stop()} is called. */
public final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);

    public void stop() {
        latch.countDown();
    }

    public boolean stopped() {
        return latch.getCount() == 0;
    }

    /** Waits up to {@code d}; returns false when stopped (or interrupted) instead of timing out. */
    public boolean await(Duration d) {
        try {
            return !latch.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
