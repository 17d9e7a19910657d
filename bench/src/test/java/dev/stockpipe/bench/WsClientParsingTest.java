package dev.stockpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WsClientParsingTest {

    @Test
    void shouldReadReceivedAtFromALiveTradeEvent() {
        String e = "{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":150.25,\"size\":100,\"timestamp\":\"2023-04-06T11:54:26.838232225Z\","
                + "\"exchange\":\"V\",\"trade_id\":628,\"conditions\":[\"@\"],\"tape\":\"C\",\"received_at\":1680782066838232225}";
        assertThat(WsClientMain.receivedAt(e)).isEqualTo(1680782066838232225L);
        assertThat(WsClientMain.startsWith(e, "{\"type\":\"trade\"")).isTrue();
    }

    @Test
    void shouldReturnMinusOneWhenReceivedAtIsMissing() {
        assertThat(WsClientMain.receivedAt("{\"type\":\"trade\",\"symbol\":\"AAPL\"}")).isEqualTo(-1);
    }
}
