package dev.stockpipe.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundTest {

    @Test
    void shouldWrapALiveEventAsASocketIoEventBuiltOnceAndShared() {
        Outbound trade = Events.trade("AAPL", 7);
        byte[] frame = trade.socketIoFrame();
        assertThat(new String(frame, StandardCharsets.UTF_8))
                .isEqualTo("42[\"trade\"," + Events.tradeJson("AAPL", 7) + "]");
        assertThat(trade.socketIoFrame()).isSameAs(frame);
        assertThat(trade.json()).isEqualTo(Events.tradeJson("AAPL", 7).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldNameControlFramesAfterTheirType() {
        assertThat(new String(ControlFrames.subscribed(List.of("AAPL"), false).socketIoFrame(), StandardCharsets.UTF_8))
                .isEqualTo("42[\"subscribed\",{\"type\":\"subscribed\",\"symbols\":[\"AAPL\"]}]");
        assertThat(new String(ControlFrames.error("bad_json", "x").socketIoFrame(), StandardCharsets.UTF_8))
                .startsWith("42[\"error\",{\"type\":\"error\"");
        assertThat(Outbound.control("{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8)).event()).isEqualTo("pong");
    }

    @Test
    void shouldSendRawPacketsAsTheyAreAndEscapeOddEventTypes() throws Exception {
        Outbound ack = Outbound.raw("431[{}]".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(ack.socketIoFrame(), StandardCharsets.UTF_8)).isEqualTo("431[{}]");
        assertThat(ack.isControl()).isTrue();
        Outbound odd = LiveEventParser.parse("{\"type\":\"tr\\\"ade\",\"symbol\":\"AAPL\"}".getBytes(StandardCharsets.UTF_8), 1L);
        assertThat(new String(odd.socketIoFrame(), StandardCharsets.UTF_8)).startsWith("42[\"tr\\\"ade\",{");
    }
}
