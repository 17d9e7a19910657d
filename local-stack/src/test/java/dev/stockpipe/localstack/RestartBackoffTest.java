package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private static final Duration SHORT = Duration.ofSeconds(1);

    @Test
    void shouldDoubleTheDelayPerCrashWithinJitterBoundsUpToTheCap() {
        RestartBackoff b = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(7));
        long[] ceilings = {1000, 2000, 4000, 8000, 8000, 8000};
        for (long ceiling : ceilings) {
            long d = b.next(SHORT).toMillis();
            assertThat(d).isBetween(ceiling / 2, ceiling);
        }
        assertThat(b.consecutiveCrashes()).isEqualTo(ceilings.length);
    }

    @Test
    void shouldStartOverAtBaseAfterAServiceStayedUpLongEnough() {
        RestartBackoff b = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(1));
        for (int i = 0; i < 5; i++) {
            b.next(SHORT);
        }
        assertThat(b.next(RestartBackoff.STABLE).toMillis()).isBetween(500L, 1000L);
        assertThat(b.consecutiveCrashes()).isEqualTo(1);
    }

    @Test
    void shouldRefuseACapBelowTheBase() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
