package dev.stockpipe.ingest.alpaca;

/**
 * Epoch nanoseconds from the monotonic clock: one wall-clock reading at class load, then {@code System.nanoTime}
 * deltas. Cheap, nanosecond-resolution and never goes backwards, which is what {@code received-at} needs.
 */
public final class EpochNanos {
    private static final long BASE_EPOCH_NANOS;
    private static final long BASE_NANO_TIME;

    static {
        java.time.Instant now = java.time.Instant.now();
        BASE_NANO_TIME = System.nanoTime();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private EpochNanos() {}

    public static long now() {
        return BASE_EPOCH_NANOS + (System.nanoTime() - BASE_NANO_TIME);
    }

    public static long of(long nanoTime) {
        return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO_TIME);
    }
}
