package dev.stockpipe.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
    private final MessageAssembler a = new MessageAssembler(10);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldJoinAFragmentedTextMessage() {
        assertThat(a.first(false, b("abc"), 3, false).kind()).isEqualTo(MessageAssembler.Kind.PARTIAL);
        assertThat(a.continuation(b("de"), 2, false).kind()).isEqualTo(MessageAssembler.Kind.PARTIAL);
        MessageAssembler.Message m = a.continuation(b("f"), 1, true);
        assertThat(m.kind()).isEqualTo(MessageAssembler.Kind.TEXT);
        assertThat(new String(m.bytes(), StandardCharsets.UTF_8)).isEqualTo("abcdef");
    }

    @Test
    void shouldReportTooLargeWithoutKeepingTheExcess() {
        a.first(false, b("abcdefgh"), 8, false);
        assertThat(a.keeps(false, false, 5)).isFalse();
        a.continuation(null, 5, false);
        MessageAssembler.Message m = a.continuation(null, 100, true);
        assertThat(m.kind()).isEqualTo(MessageAssembler.Kind.TOO_LARGE);
        assertThat(m.size()).isEqualTo(113);
        assertThat(a.first(false, b("ok"), 2, true).kind()).isEqualTo(MessageAssembler.Kind.TEXT);
    }

    @Test
    void shouldFlagBinaryMessagesAndIgnoreStrayContinuations() {
        assertThat(a.continuation(b("x"), 1, true).kind()).isEqualTo(MessageAssembler.Kind.PARTIAL);
        assertThat(a.first(true, null, 3, true).kind()).isEqualTo(MessageAssembler.Kind.BINARY);
        assertThat(a.first(false, null, 11, true).kind()).isEqualTo(MessageAssembler.Kind.TOO_LARGE);
    }
}
