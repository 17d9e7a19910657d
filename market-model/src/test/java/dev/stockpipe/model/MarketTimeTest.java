package dev.stockpipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MarketTimeTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // EDT (UTC-4): New York midnight is 04:00Z
            "2023-04-07T03:59:59.999999999Z, 2023-04-06",
            "2023-04-07T04:00:00Z, 2023-04-07",
            // EST (UTC-5): midnight is 05:00Z
            "2023-01-10T04:59:59.999999999Z, 2023-01-09",
            "2023-01-10T05:00:00Z, 2023-01-10",
            // spring forward 2023-03-12 02:00 EST -> 03:00 EDT; fall back 2023-11-05 02:00 EDT -> 01:00 EST
            "2023-03-12T04:30:00Z, 2023-03-11",
            "2023-03-12T05:00:00Z, 2023-03-12",
            "2023-03-13T03:59:59Z, 2023-03-12",
            "2023-11-05T03:59:59Z, 2023-11-04",
            "2023-11-05T04:00:00Z, 2023-11-05",
            "2023-11-06T04:59:59Z, 2023-11-05",
            // after the close, still the same trading date in New York though already the next day in UTC
            "2023-04-07T00:30:00Z, 2023-04-06"})
    void shouldComputeNewYorkTradeDate(String instant, String date) {
        assertThat(MarketTime.tradeDate(Instant.parse(instant))).isEqualTo(LocalDate.parse(date));
    }

    @ParameterizedTest(name = "{0} starts at {1}")
    @CsvSource({
            "2023-09-29, 2023-09-29T04:00:00Z",
            "2022-02-28, 2022-02-28T05:00:00Z",
            "2023-03-12, 2023-03-12T05:00:00Z",
            "2023-03-13, 2023-03-13T04:00:00Z",
            "2023-11-05, 2023-11-05T04:00:00Z",
            "2023-11-06, 2023-11-06T05:00:00Z"})
    void shouldStartTradingDateAtNewYorkMidnight(String date, String instant) {
        assertThat(MarketTime.startOfDay(LocalDate.parse(date))).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "2021-02-22T19:15:00Z, 2021-02-22T19:15:00Z",
            "2021-02-22T15:51:44.208Z, 2021-02-22T15:51:44.208Z",
            "2021-02-22T15:51:44.208000000Z, 2021-02-22T15:51:44.208Z",
            "2023-04-06T11:54:26.83915973Z, 2023-04-06T11:54:26.83915973Z",
            "2023-04-06T11:54:26.838232225Z, 2023-04-06T11:54:26.838232225Z",
            "2023-04-06T11:54:26.000000001Z, 2023-04-06T11:54:26.000000001Z",
            "2023-04-06T11:54:26.5Z, 2023-04-06T11:54:26.5Z",
            "2023-04-06T07:54:26.5-04:00, 2023-04-06T11:54:26.5Z"})
    void shouldParseRfc3339AndFormatWithTrailingZerosDropped(String text, String formatted) {
        assertThat(MarketTime.formatInstant(MarketTime.parseInstant(text))).isEqualTo(formatted);
    }

    @Test
    void shouldRejectTimestampsThatAreNotRfc3339() {
        assertThatThrownBy(() -> MarketTime.parseInstant("2023-04-06")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> MarketTime.parseInstant("2023-04-06 11:54:26Z")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> MarketTime.parseInstant("2023-04-06T11:54:26.1234567891Z")).isInstanceOf(DateTimeException.class);
    }
}
