package dev.stockpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochCalibrationTest {

    @Test
    void shouldPairTheWallClockWithNanoTimeWithinOneSecond() {
        long[] base = EpochCalibration.calibrate();
        Instant now = Instant.now();
        long derived = base[0] + (System.nanoTime() - base[1]);
        long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        assertThat(Math.abs(derived - wall)).isLessThan(1_000_000_000L);
    }
}
