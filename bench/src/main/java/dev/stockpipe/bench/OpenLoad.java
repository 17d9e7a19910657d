package dev.stockpipe.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model load: operation i is due at start + i / rate whether or not earlier ones finished, and its
 * latency counts from that intended time, so a stall shows up as latency instead of silently lowering the
 * offered load (coordinated omission).
 */
final class OpenLoad {
    private OpenLoad() {}

    /** Starts operation i asynchronously; the future says whether it succeeded. */
    interface Op {
        CompletableFuture<Boolean> start(long i);
    }

    /**
     * @param shed operations not started because {@link #MAX_IN_FLIGHT} were outstanding: the target could not keep
     *             up and the generator refused to grow without bound (counted as failures, not hidden)
     */
    record Result(String label, int rate, double seconds, Histogram histogram, long sent, long ok, long errors,
                  long unfinished, long shed, List<double[]> completionsPerSecond) {
        double achievedRate() {
            return ok / seconds;
        }
    }

    /** More outstanding operations than this means the target is saturated; more would only swamp the generator. */
    static final int MAX_IN_FLIGHT = 2000;

    static Result run(String label, int rate, Duration duration, Op op, Duration drainTimeout) {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong shed = new AtomicLong();
        Recorder recorder = new Recorder(3);
        long total = Math.max(1, rate * duration.toSeconds());
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        int buckets = (int) (duration.toSeconds() + drainTimeout.toSeconds() + 2);
        AtomicLongArray perSecond = new AtomicLongArray(buckets);
        CountDownLatch done = new CountDownLatch((int) total);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                shed.incrementAndGet();
                done.countDown();
                continue;
            }
            inFlight.incrementAndGet();
            CompletableFuture<Boolean> f;
            try {
                f = op.start(i);
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(false);
            }
            f.whenComplete((success, err) -> {
                inFlight.decrementAndGet();
                long now = System.nanoTime();
                recorder.recordValue(Math.max(0, now - intended));
                if (err == null && Boolean.TRUE.equals(success)) {
                    ok.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                int sec = (int) ((now - start) / 1_000_000_000L);
                if (sec < buckets) {
                    perSecond.incrementAndGet(sec);
                }
                done.countDown();
            });
        }
        try {
            done.await(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        List<double[]> series = new ArrayList<>();
        int last = (int) Math.min(buckets - 1, Math.ceil(seconds));
        for (int s = 0; s < last; s++) {
            series.add(new double[] {s, perSecond.get(s)});
        }
        return new Result(label, rate, seconds,
                recorder.getIntervalHistogram(), total, ok.get(), errors.get(), done.getCount(), shed.get(), series);
    }
}
