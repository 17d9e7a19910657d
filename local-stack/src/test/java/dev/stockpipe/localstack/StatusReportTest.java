package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusReportTest {

    @Test
    void shouldSumEverySampleOfACounterAndIgnoreLongerNamesAndComments() {
        String text = """
                # HELP ingest_messages_total messages
                # TYPE ingest_messages_total counter
                ingest_messages_total{type="t"} 120.0
                ingest_messages_total{type="b",note="a } b"} 5.0
                ingest_messages_total_created 99.0
                ingest_messages_totalx 7
                relay_events_sent_total 3
                """;
        assertThat(StatusReport.sumOf(text, "ingest_messages_total")).isEqualTo(125.0);
        assertThat(StatusReport.sumOf(text, "relay_events_sent_total")).isEqualTo(3.0);
        assertThat(StatusReport.sumOf(text, "missing_total")).isZero();
    }

    @Test
    void shouldFindTheLastErrorLineOfALog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("svc.log");
        Files.writeString(log, """
                10:00:00.000 INFO  [main] a - started
                10:00:01.000 ERROR [main] a - first problem
                10:00:02.000 WARN  [main] a - a warning
                10:00:03.000 ERROR [main] a - second problem
                10:00:04.000 INFO  [main] a - recovered
                """);
        assertThat(LogTail.lastError(log)).hasValueSatisfying(l -> assertThat(l).endsWith("second problem"));
        assertThat(LogTail.lastError(dir.resolve("missing.log"))).isEmpty();
    }
}
