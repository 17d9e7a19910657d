package dev.stockpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeInterpolationTest {

    @Test
    void shouldUseDefaultWhenVariableIsUnsetOrEmpty() {
        assertThat(ComposeInterpolation.resolve("${A:-x}:${B:-y}", Map.of("B", ""))).isEqualTo("x:y");
        assertThat(ComposeInterpolation.resolve("${B-y}", Map.of("B", ""))).isEmpty();
    }

    @Test
    void shouldPreferTheEnvFileValueOverTheDefault() {
        assertThat(ComposeInterpolation.resolve("${PUBLISH_HOST:-127.0.0.1}:8000:8000", Map.of("PUBLISH_HOST", "0.0.0.0")))
                .isEqualTo("0.0.0.0:8000:8000");
    }

    @Test
    void shouldKeepADefaultThatStartsWithADash() {
        assertThat(ComposeInterpolation.resolve("${KAFKA_HEAP_OPTS:--Xmx1g -Xms1g}", Map.of())).isEqualTo("-Xmx1g -Xms1g");
    }

    @Test
    void shouldFailOnAMissingRequiredVariable() {
        assertThatThrownBy(() -> ComposeInterpolation.resolve("${POSTGRES_PASSWORD:?set it}", Map.of()))
                .hasMessageContaining("POSTGRES_PASSWORD");
        assertThat(ComposeInterpolation.resolve("${POSTGRES_PASSWORD:?set it}", Map.of("POSTGRES_PASSWORD", "s3cret")))
                .isEqualTo("s3cret");
    }

    @Test
    void shouldTreatDoubleDollarAsTheContainerShellsVariable() {
        assertThat(ComposeInterpolation.references("pg_isready -U $${POSTGRES_USER} ${X:-1}"))
                .extracting(ComposeInterpolation.Reference::name).containsExactly("X");
        assertThat(ComposeInterpolation.resolve("-U $${POSTGRES_USER}", Map.of("POSTGRES_USER", "u")))
                .isEqualTo("-U ${POSTGRES_USER}");
    }

    @Test
    void shouldReportOperatorAndArgumentOfEachReference() {
        assertThat(ComposeInterpolation.references("${A:-1} ${B:?msg} $C ${D}")).containsExactly(
                new ComposeInterpolation.Reference("A", ":-", "1"),
                new ComposeInterpolation.Reference("B", ":?", "msg"),
                new ComposeInterpolation.Reference("C", "", ""),
                new ComposeInterpolation.Reference("D", "", ""));
    }
}
