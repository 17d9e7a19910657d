package dev.stockpipe.relay.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SioPacketTest {

    @Test
    void shouldParseAnEventWithAnAckId() throws Exception {
        SioPacket p = SioPacket.parse("212[\"subscribe\",\"AAPL\"]");
        assertThat(p.type()).isEqualTo('2');
        assertThat(p.namespace()).isEqualTo("/");
        assertThat(p.ackId()).isEqualTo(12);
        assertThat(p.data()).isEqualTo("[\"subscribe\",\"AAPL\"]");
    }

    @Test
    void shouldParseAConnectToANamedNamespaceWithAuthPayload() throws Exception {
        SioPacket p = SioPacket.parse("0/admin,{\"token\":\"x\"}");
        assertThat(p.type()).isEqualTo('0');
        assertThat(p.namespace()).isEqualTo("/admin");
        assertThat(p.ackId()).isEqualTo(-1);
        assertThat(p.data()).isEqualTo("{\"token\":\"x\"}");
    }

    @Test
    void shouldParseABareConnectAndDisconnect() throws Exception {
        assertThat(SioPacket.parse("0").data()).isEmpty();
        assertThat(SioPacket.parse("1").type()).isEqualTo('1');
    }

    @Test
    void shouldRejectUnknownTypesBinaryPacketsAndHugeAckIds() {
        assertThatThrownBy(() -> SioPacket.parse("")).isInstanceOf(SioPacket.BadPacketException.class);
        assertThatThrownBy(() -> SioPacket.parse("x[]")).hasMessageContaining("unknown Socket.IO packet type 'x'");
        assertThatThrownBy(() -> SioPacket.parse("\u0001")).hasMessageContaining("\\u0001");
        assertThatThrownBy(() -> SioPacket.parse("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"))
                .hasMessageContaining("binary");
        assertThatThrownBy(() -> SioPacket.parse("2" + "9".repeat(40) + "[\"a\"]"))
                .hasMessageContaining("acknowledgement id too long");
        assertThatThrownBy(() -> SioPacket.parse("2/" + "n".repeat(200) + ",[]")).hasMessageContaining("namespace");
    }
}
