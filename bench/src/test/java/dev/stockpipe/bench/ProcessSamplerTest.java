package dev.stockpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessSamplerTest {

    @Test
    void shouldCountAChildUnderItsOwnRowWhenItIsTrackedAndUnderItsParentWhenNot() throws Exception {
        long self = ProcessHandle.current().pid();
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessHandle h = child.toHandle();
            assertThat(ProcessSampler.inTrackedSubtree(h, self, Set.of(self, h.pid()))).isTrue();
            assertThat(ProcessSampler.inTrackedSubtree(h, self, Set.of(self))).isFalse();
        } finally {
            child.destroyForcibly().waitFor();
        }
    }
}
