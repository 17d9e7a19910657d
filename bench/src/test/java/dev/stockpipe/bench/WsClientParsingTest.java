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

    @Test
    void shouldClassifySocketIoTradeEventAndReadItsReceivedAt() {
        String f = "42[\"trade\",{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":150.25,\"size\":100,"
                + "\"timestamp\":\"2023-04-06T11:54:26.838232225Z\",\"trade_id\":628,\"received_at\":1680782066838232225}]";
        assertThat(WsClientMain.sioKind(f)).isEqualTo(WsClientMain.SioKind.TRADE);
        assertThat(WsClientMain.receivedAt(f)).isEqualTo(1680782066838232225L);
    }

    @Test
    void shouldClassifySocketIoHandshakeAndControlPackets() {
        assertThat(WsClientMain.sioKind("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}"))
                .isEqualTo(WsClientMain.SioKind.OPEN);
        assertThat(WsClientMain.sioKind("40{\"sid\":\"xyz\"}")).isEqualTo(WsClientMain.SioKind.CONNECTED);
        assertThat(WsClientMain.sioKind("40")).isEqualTo(WsClientMain.SioKind.CONNECTED);
        assertThat(WsClientMain.sioKind("2")).isEqualTo(WsClientMain.SioKind.PING);
        assertThat(WsClientMain.sioKind("42[\"subscribed\",{\"type\":\"subscribed\",\"symbols\":[\"AAPL\"]}]"))
                .isEqualTo(WsClientMain.SioKind.SUBSCRIBED);
        assertThat(WsClientMain.sioKind("42[\"error\",{\"type\":\"error\",\"code\":\"bad_packet\"}]"))
                .isEqualTo(WsClientMain.SioKind.ERROR);
        assertThat(WsClientMain.sioKind("44{\"message\":\"Invalid namespace\"}")).isEqualTo(WsClientMain.SioKind.ERROR);
    }

    @Test
    void shouldTreatSocketIoBarsNoopsAndEmptyFramesAsOther() {
        assertThat(WsClientMain.sioKind("42[\"bar\",{\"type\":\"bar\",\"symbol\":\"AAPL\"}]")).isEqualTo(WsClientMain.SioKind.OTHER);
        assertThat(WsClientMain.sioKind("6")).isEqualTo(WsClientMain.SioKind.OTHER);
        assertThat(WsClientMain.sioKind("")).isEqualTo(WsClientMain.SioKind.OTHER);
        assertThat(WsClientMain.sioKind("3")).isEqualTo(WsClientMain.SioKind.OTHER);
        assertThat(WsClientMain.sioKind("{\"type\":\"trade\"}")).isEqualTo(WsClientMain.SioKind.OTHER);
    }
}
