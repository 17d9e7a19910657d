package dev.stockpipe.bench;

import java.time.Instant;

/**
 * Pairs one wall-clock reading with System.nanoTime for "epoch nanos = base + nanoTime delta". On a loaded machine
 * the thread can be descheduled between the two reads, which would offset every later timestamp; so read the pair
 * many times and keep the one with the tightest nanoTime bracket.
 */
final class EpochCalibration {
    private EpochCalibration() {}

    /** {epoch nanos, the nanoTime it corresponds to}. */
    static long[] calibrate() {
        long bestWidth = Long.MAX_VALUE;
        long[] best = null;
        for (int i = 0; i < 200; i++) {
            long n0 = System.nanoTime();
            Instant now = Instant.now();
            long n1 = System.nanoTime();
            if (n1 - n0 < bestWidth) {
                bestWidth = n1 - n0;
                best = new long[] {now.getEpochSecond() * 1_000_000_000L + now.getNano(), n0 + (n1 - n0) / 2};
            }
        }
        return best;
    }
}
