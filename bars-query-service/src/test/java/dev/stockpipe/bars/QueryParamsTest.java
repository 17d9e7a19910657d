package dev.stockpipe.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockpipe.model.Timeframe;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParamsTest {
    private final QueryParams params = new QueryParams(10_000, 3660);

    @Test
    void shouldAcceptSymbolsAndUpperCaseThem() {
        assertThat(params.symbol("AAPL")).isEqualTo("AAPL");
        assertThat(params.symbol("brk.b")).isEqualTo("BRK.B");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "AAPL'; DROP TABLE x;--", "1=1 OR", "A B", "TOOLONGSYMBOLNAME", "€UR", "AAPL\u0000"})
    void shouldRefuseWhatIsNotASymbolNamingTheParameter(String raw) {
        assertThatThrownBy(() -> params.symbol(raw)).isInstanceOf(BadParameterException.class)
                .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("symbol");
    }

    @Test
    void shouldDefaultTimeframeToOneMinuteAndRefuseUnknownOnes() {
        assertThat(params.timeframe(null)).isEqualTo(Timeframe.MIN_1);
        assertThat(params.timeframe("1Hour")).isEqualTo(Timeframe.HOUR_1);
        assertThatThrownBy(() -> params.timeframe("2Min")).isInstanceOf(BadParameterException.class)
                .hasMessageContaining("1Min, 5Min, 15Min, 1Hour, 1Day");
        assertThatThrownBy(() -> params.timeframe("1min")).isInstanceOf(BadParameterException.class);
    }

    @Test
    void shouldDefaultLimitTo500AndAcceptTheMax() {
        assertThat(params.limit(null)).isEqualTo(500);
        assertThat(params.limit("10000")).isEqualTo(10_000);
        assertThat(params.limit("1")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "10001", "abc", "1.5", "99999999999999999999"})
    void shouldRefuseLimitOutsideOneToMax(String raw) {
        assertThatThrownBy(() -> params.limit(raw)).isInstanceOf(BadParameterException.class)
                .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("limit");
    }

    @Test
    void shouldSayTheMaxWhenLimitIsOverIt() {
        assertThatThrownBy(() -> params.limit("10001")).hasMessageContaining("at most 10000");
    }

    @Test
    void shouldReadDatesAsNewYorkMidnightOnEitherSideOfDst() {
        assertThat(params.instant("start", "2026-03-06")).isEqualTo(Instant.parse("2026-03-06T05:00:00Z"));
        assertThat(params.instant("start", "2026-03-09")).isEqualTo(Instant.parse("2026-03-09T04:00:00Z"));
    }

    @Test
    void shouldReadRfc3339WithAnyOffsetAndFraction() {
        assertThat(params.instant("end", "2026-03-09T09:30:00-04:00")).isEqualTo(Instant.parse("2026-03-09T13:30:00Z"));
        assertThat(params.instant("end", "2026-03-09T13:30:00.123456789Z")).isEqualTo(Instant.parse("2026-03-09T13:30:00.123456789Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-13-01", "2026-02-30", "2026-03-09 13:30", "1741527000", "2026-03-09T13:30:00"})
    void shouldRefuseUnparsableDates(String raw) {
        assertThatThrownBy(() -> params.instant("start", raw)).isInstanceOf(BadParameterException.class)
                .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("start");
    }

    @Test
    void shouldRefuseMissingStart() {
        assertThatThrownBy(() -> params.instant("start", null)).hasMessageContaining("required");
    }

    @Test
    void shouldRefuseStartAfterEndButAcceptAnEmptyRange() {
        Instant a = Instant.parse("2026-03-09T14:00:00Z");
        params.range(a, a);
        assertThatThrownBy(() -> params.range(a.plusSeconds(1), a)).isInstanceOf(BadParameterException.class)
                .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("start");
    }

    @Test
    void shouldRefuseHugeRangesNamingEnd() {
        assertThatThrownBy(() -> params.range(params.instant("start", "1990-01-01"), params.instant("end", "2026-01-01")))
                .isInstanceOf(BadParameterException.class)
                .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("end");
    }

    @Test
    void shouldEchoInputClippedAndWithoutControlCharacters() {
        assertThat(QueryParams.echo("a\nb")).isEqualTo("a?b");
        assertThat(QueryParams.echo("x".repeat(100))).hasSize(43).endsWith("...");
    }
}
