package dev.stockpipe.ingest.alpaca;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        Instant now = Instant.parse("2026-01-05T15:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final FakeClock clock = new FakeClock();

    private ReconnectPolicy policy(double random) {
        return new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(10), clock, () -> random);
    }

    @Test
    void shouldDoubleTheCeilingUntilTheCap() {
        ReconnectPolicy p = policy(0.999_999);
        long[] ms = new long[10];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null).toMillis();
        }
        assertThat(ms).startsWith(499, 999, 1999, 3999, 7999, 15999, 29999);
        assertThat(ms[9]).isEqualTo(29999);
    }

    @Test
    void shouldApplyFullJitterFromZero() {
        assertThat(policy(0.0).nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null)).isEqualTo(Duration.ZERO);
        ReconnectPolicy half = policy(0.5);
        half.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null);
        assertThat(half.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldWaitAtLeastTheLimitWaitAfterConnectionLimit() {
        Duration d = policy(0.0).nextDelay(ReconnectPolicy.Cause.CONNECTION_LIMIT, null);
        assertThat(d).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldHonourALongerRetryAfterOn429() {
        Duration d = policy(0.0).nextDelay(ReconnectPolicy.Cause.RATE_LIMITED, Duration.ofSeconds(90));
        assertThat(d).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldResetAttemptsOnlyAfterASessionStayedUp() {
        ReconnectPolicy p = policy(0.999_999);
        p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null);
        p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null);
        p.onSessionUp();
        clock.now = clock.now.plusSeconds(2);
        assertThat(p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null).toMillis()).isEqualTo(1999);

        p.onSessionUp();
        clock.now = clock.now.plusSeconds(11);
        assertThat(p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null).toMillis()).isEqualTo(499);
    }

    @Test
    void shouldNeverOverflowAfterManyAttempts() {
        ReconnectPolicy p = policy(0.999_999);
        Duration d = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            d = p.nextDelay(ReconnectPolicy.Cause.DISCONNECTED, null);
        }
        assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(30)).isPositive();
    }

    @Test
    void shouldEndAWaitEarlyWhenStopped() {
        StopSignal stop = new StopSignal();
        stop.stop();
        assertThat(stop.await(Duration.ofHours(1))).isFalse();
        assertThat(new StopSignal().await(Duration.ofMillis(1))).isTrue();
    }
}
