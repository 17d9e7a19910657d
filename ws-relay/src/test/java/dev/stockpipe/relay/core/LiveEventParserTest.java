package dev.stockpipe.relay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.live.LiveEvents;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveEventParserTest {

    @Test
    void shouldRouteATradeBySymbolAndKeepTheBytes() throws Exception {
        byte[] json = Events.tradeJson("AAPL", 7).getBytes(StandardCharsets.UTF_8);
        Outbound o = LiveEventParser.parse(json, 42L);
        assertThat(o.symbol()).isEqualTo("AAPL");
        assertThat(o.trade()).isTrue();
        assertThat(o.conflationKey()).isEqualTo("trade:AAPL");
        assertThat(o.json()).isSameAs(json);
        assertThat(o.relayReceivedNanos()).isEqualTo(42L);
        assertThat(o.sourceEpochNanos()).isEqualTo(1700000000000000000L);
    }

    @Test
    void shouldKeyBarsByTimeframeSoMinuteAndDailyBarsDoNotReplaceEachOther() throws Exception {
        String bar = "{\"type\":\"bar\",\"symbol\":\"MSFT\",\"timeframe\":\"1Min\",\"kind\":\"b\","
                + "\"timestamp\":\"2021-02-22T19:15:00Z\",\"open\":1,\"high\":2,\"low\":0.5,\"close\":1.5,"
                + "\"volume\":10,\"received_at\":5}";
        Outbound o = LiveEventParser.parse(bar.getBytes(StandardCharsets.UTF_8), 1L);
        assertThat(o.trade()).isFalse();
        assertThat(o.conflationKey()).isEqualTo("bar:MSFT:1Min");
    }

    @Test
    void shouldReadTheBridgesOwnLiveEventBytes() throws Exception {
        AlpacaBar b = (AlpacaBar) AlpacaParser.system().parseJsonFrame(("[{\"T\":\"b\",\"S\":\"SPY\",\"o\":388.985,\"h\":389.13,"
                + "\"l\":388.975,\"c\":389.12,\"v\":49378,\"t\":\"2021-02-22T19:15:00Z\",\"n\":461,\"vw\":389.062639}]")
                .getBytes(StandardCharsets.UTF_8)).get(0);
        Outbound o = LiveEventParser.parse(LiveEvents.bar(b, 99L), 1L);
        assertThat(o.symbol()).isEqualTo("SPY");
        assertThat(o.sourceEpochNanos()).isEqualTo(99L);
    }

    @Test
    void shouldRejectGarbageAndEventsWithoutSymbol() {
        assertThatThrownBy(() -> LiveEventParser.parse("not json".getBytes(), 1L))
                .isInstanceOf(LiveEventParser.BadEventException.class);
        assertThatThrownBy(() -> LiveEventParser.parse("{\"type\":\"trade\"}".getBytes(), 1L))
                .hasMessageContaining("symbol");
        assertThatThrownBy(() -> LiveEventParser.parse("{\"symbol\":\"AAPL\"}".getBytes(), 1L))
                .hasMessageContaining("type");
        assertThatThrownBy(() -> LiveEventParser.parse("{\"type\":\"trade\",\"symbol\":\"AAPL\"} {}".getBytes(), 1L))
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> LiveEventParser.parse("[1,2]".getBytes(), 1L))
                .hasMessageContaining("object");
    }
}
