package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.sim.ManualClock;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** backfill bars against the real simulator's REST API (paged, with injected 429s) into a real broker. */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BackfillIT {
    static final Instant START = Instant.parse("2024-07-01T14:00:00Z");
    static final Instant END = START.plus(Duration.ofMinutes(6));
    static AlpacaSimulator sim;

    @BeforeAll
    static void startSimulator() {
        ManualClock clock = new ManualClock(START);
        sim = AlpacaSimulator.builder().clock(clock).seed(7L).symbols(List.of("AAPL", "MSFT")).tradesPerSecond(30)
                .restRateLimitPerMinute(10_000).start();
        Instant target = START.plus(Duration.ofMinutes(8));
        clock.set(target);
        await().atMost(Duration.ofSeconds(60)).until(() -> !sim.modelTime().isBefore(target));
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void shouldProduceEveryRestBarAsABackfillMessageDespite429s(EmbeddedKafka kafka, TestInfo info) throws Exception {
        String topic = TestNames.unique(info);
        kafka.createTopics(3, topic);
        List<AlpacaBar> truth = sim.groundTruth().bars(START, END);
        assertThat(truth).isNotEmpty();
        sim.faults().rest429(2);

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(BackfillCommand.REST_URL, sim.restUri(), BackfillCommand.API_KEY, sim.key(),
                BackfillCommand.API_SECRET, sim.secret(), ConnectWorkerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        int code = ConnectorsCli.run(env, out, out, "backfill", "bars", "--symbols", "AAPL,MSFT", "--start", START.toString(),
                "--end", END.minusNanos(1).toString(), "--timeframe", "1Min", "--topic", topic, "--limit", "5", "--yes");
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("HTTP 429").contains("backfill done: " + truth.size() + " bar(s)").contains("page 3:");

        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
                return got.size() >= truth.size();
            });
        }
        assertThat(got).hasSize(truth.size());
        List<String> produced = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : got) {
            JsonNode m = Json.MAPPER.readTree(r.value());
            assertThat(m.get("T").asText()).isEqualTo("b");
            assertThat(m.get("S").asText()).isEqualTo(r.key());
            assertThat(new String(r.headers().lastHeader(RecordHeaders.SOURCE).value(), StandardCharsets.UTF_8))
                    .isEqualTo(RecordHeaders.SOURCE_BACKFILL);
            produced.add(r.key() + "|" + m.get("t").asText() + "|" + m.get("c").decimalValue().toPlainString() + "|" + m.get("v").asLong());
        }
        List<String> expected = truth.stream()
                .map(b -> b.symbol() + "|" + dev.stockpipe.model.MarketTime.formatInstant(b.timestamp()) + "|"
                        + b.close().toPlainString() + "|" + b.volume())
                .toList();
        assertThat(produced).containsExactlyInAnyOrderElementsOf(expected);
    }
}
