package dev.stockpipe.bars;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Timeframe;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketsTest {
    private static Instant t(String s) {
        return Instant.parse(s);
    }

    @Test
    void shouldFloorIntradayBucketsToNewYorkAlignedStarts() {
        assertThat(Buckets.floor(t("2026-03-09T13:34:59.9Z"), Timeframe.MIN_5)).isEqualTo(t("2026-03-09T13:30:00Z"));
        assertThat(Buckets.floor(t("2026-03-09T13:44:00Z"), Timeframe.MIN_15)).isEqualTo(t("2026-03-09T13:30:00Z"));
        // 09:30 EDT is 13:30Z; its hour bucket is 09:00 New York = 13:00Z.
        assertThat(Buckets.floor(t("2026-03-09T13:30:00Z"), Timeframe.HOUR_1)).isEqualTo(t("2026-03-09T13:00:00Z"));
    }

    @Test
    void shouldKeepTheTwoFallBackHoursApart() {
        // 2026-11-01 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) are different hours.
        assertThat(Buckets.floor(t("2026-11-01T05:30:00Z"), Timeframe.HOUR_1)).isEqualTo(t("2026-11-01T05:00:00Z"));
        assertThat(Buckets.floor(t("2026-11-01T06:30:00Z"), Timeframe.HOUR_1)).isEqualTo(t("2026-11-01T06:00:00Z"));
    }

    @Test
    void shouldStartDaysAtNewYorkMidnightInEstAndEdt() {
        assertThat(Buckets.floor(t("2026-03-06T20:00:00Z"), Timeframe.DAY_1)).isEqualTo(t("2026-03-06T05:00:00Z"));
        assertThat(Buckets.floor(t("2026-03-10T03:59:00Z"), Timeframe.DAY_1)).isEqualTo(t("2026-03-09T04:00:00Z"));
        // 23:30 EST on Nov 1 is 04:30Z on Nov 2: still Nov 1 in New York.
        assertThat(Buckets.floor(t("2026-11-02T04:30:00Z"), Timeframe.DAY_1)).isEqualTo(t("2026-11-01T04:00:00Z"));
    }

    @Test
    void shouldMakeDstDays23And25HoursLong() {
        Instant springStart = t("2026-03-08T05:00:00Z");
        assertThat(Duration.between(springStart, Buckets.next(springStart, Timeframe.DAY_1))).isEqualTo(Duration.ofHours(23));
        Instant fallStart = t("2026-11-01T04:00:00Z");
        assertThat(Duration.between(fallStart, Buckets.next(fallStart, Timeframe.DAY_1))).isEqualTo(Duration.ofHours(25));
        assertThat(Buckets.maxMinutes(Timeframe.DAY_1)).isEqualTo(25 * 60);
    }

    @Test
    void shouldCeilToTheNextBucketUnlessOnABoundary() {
        assertThat(Buckets.ceil(t("2026-03-09T13:33:00Z"), Timeframe.MIN_5)).isEqualTo(t("2026-03-09T13:35:00Z"));
        assertThat(Buckets.ceil(t("2026-03-09T13:35:00Z"), Timeframe.MIN_5)).isEqualTo(t("2026-03-09T13:35:00Z"));
        assertThat(Buckets.ceil(t("2026-03-09T13:35:00.000001Z"), Timeframe.MIN_1)).isEqualTo(t("2026-03-09T13:36:00Z"));
        assertThat(Buckets.ceil(t("2026-03-09T12:00:00Z"), Timeframe.DAY_1)).isEqualTo(t("2026-03-10T04:00:00Z"));
    }
}
