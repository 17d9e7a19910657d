package dev.stockpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class TestNamesTest {

    @Test
    void shouldDeriveLowercaseSafeNameFromClassAndMethod(TestInfo info) {
        String name = TestNames.unique(info);
        assertThat(name).matches("[a-z][a-z0-9_]*").startsWith("testnamestest_shouldderivelowercasesafenamefromclassandmethod".substring(0, 50));
        assertThat(name.length()).isLessThanOrEqualTo(TestNames.MAX_LENGTH);
    }

    @Test
    void shouldDifferBetweenCalls(TestInfo info) {
        assertThat(TestNames.unique(info)).isNotEqualTo(TestNames.unique(info));
    }

    @Test
    void shouldStartWithALetterAndTrimLongNames() {
        String name = TestNames.unique("9-Lives.Of A Very " + "Long".repeat(40));
        assertThat(name).matches("[a-z][a-z0-9_]*").startsWith("t_9_lives_of_a_very_long");
        assertThat(name.length()).isLessThanOrEqualTo(TestNames.MAX_LENGTH);
    }
}
