package dev.stockpipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RejectTest {
    @Test
    void shouldKeepValidUtf8RawAsText() {
        byte[] raw = "{\"T\":\"t\",\"S\":\"Ünïcode ✓ 📈\"}".getBytes(StandardCharsets.UTF_8);
        Reject r = Reject.of(RejectReason.INVALID_SYMBOL, "[0].S: bad", Topics.TRADES_RAW_NAME, 0, 7, raw);
        assertThat(r.rawEncoding()).isEqualTo(Reject.UTF8);
        assertThat(r.raw()).isEqualTo("{\"T\":\"t\",\"S\":\"Ünïcode ✓ 📈\"}");
        assertThat(r.rawBytes()).isEqualTo(raw);
        assertThat(r.reason()).isEqualTo("invalid_symbol");
        assertThat(r.sourceTopic()).isEqualTo("stocks.trades.raw");
        assertThat(r.sourcePartition()).isZero();
        assertThat(r.sourceOffset()).isEqualTo(7L);
    }

    @Test
    void shouldKeepNonUtf8RawAsBase64() {
        byte[] raw = {(byte) 0x91, (byte) 0x81, (byte) 0xa1, 'T', (byte) 0xc3, (byte) 0x28}; // msgpack-ish, invalid UTF-8
        Reject r = Reject.of(RejectReason.MALFORMED_JSON, "not valid JSON", Topics.BARS_RAW_NAME, 5, 1, raw);
        assertThat(r.rawEncoding()).isEqualTo(Reject.BASE64);
        assertThat(r.raw()).isEqualTo(Base64.getEncoder().encodeToString(raw));
        assertThat(r.rawBytes()).isEqualTo(raw);
    }

    @Test
    void shouldAllowMissingRawValue() {
        Reject r = Reject.of(RejectReason.NULL_VALUE, "no value", Topics.TRADES_RAW_NAME, 1, 2, null);
        assertThat(r.raw()).isNull();
        assertThat(r.rawBytes()).isNull();
        assertThat(r.rawEncoding()).isEqualTo(Reject.UTF8);
    }

    @Test
    void shouldUseSnakeCaseCodesForEveryReason() {
        for (RejectReason reason : RejectReason.values()) {
            assertThat(reason.code()).isEqualTo(reason.name().toLowerCase());
        }
    }
}
