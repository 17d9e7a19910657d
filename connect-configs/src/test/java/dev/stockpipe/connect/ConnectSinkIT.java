package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.FreePorts;
import dev.stockpipe.model.Bar;
import dev.stockpipe.model.BarSource;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.Topics;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow B end to end on real parts: clean records (written with market-model's serdes, exactly as
 * streams-app writes them) → real KRaft broker → real Connect worker with Debezium's JDBC sink, configured by
 * the module's JSON files through the CLI → real PostgreSQL with the Flyway schema.
 * One worker and one database for the class; each test has its own topic, connector and symbols.
 */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ConnectSinkIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    /**
     * Kafka timestamps of the replay tests, a few hours back as streams-app writes them. Not fixed dates: the
     * broker deletes records by timestamp (retention.ms, 7 days by default) at its next retention check, so a
     * 2024 timestamp vanished from the log mid-test whenever that check fell inside it.
     */
    static final Instant REPLAY_EARLY = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(3));
    static final String REPLAY_FROM = REPLAY_EARLY.plus(Duration.ofMinutes(30)).toString();
    static EmbeddedKafka kafka;
    static EmbeddedConnect worker;
    static DataSource db;
    static Map<String, String> cliEnv;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void startWorker(EmbeddedKafka k, EmbeddedPostgres pg) {
        kafka = k;
        String database = TestNames.unique("connect_sink");
        pg.createDatabase(database);
        Map<String, String> env = Map.of(PostgresConfig.HOST, pg.host(), PostgresConfig.PORT, Integer.toString(pg.port()),
                PostgresConfig.DB, database, PostgresConfig.USER, pg.user(), PostgresConfig.PASSWORD, pg.password());
        // The migrate command as ./stockpipe runs it, against this database.
        assertThat(ConnectorsCli.run(env, System.out, System.err, "migrate")).isZero();
        db = pg.dataSource(database);
        worker = EmbeddedConnect.start(k.bootstrapServers(), FreePorts.pick(), TestNames.unique("connect"), env);
        cliEnv = Map.of(ConnectorsCli.CONNECT_URL, worker.restUrl().toString(),
                ConnectWorkerConfig.BOOTSTRAP_SERVERS, k.bootstrapServers());
        ConnectRestClient rest = new ConnectRestClient(worker.restUrl());
        await().atMost(WAIT).ignoreExceptions().until(() -> rest.plugins().toString().contains("JdbcSinkConnector"));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void shouldLandCleanTradesWithExactDecimalsAndMicrosecondTimestamps(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        List<Trade> trades = new ArrayList<>();
        trades.add(trade(sym, 1, "162.9200", "2023-04-06T11:54:26.838232225Z", List.of("@", "F", " "), TradeStatus.OK));
        trades.add(trade(sym, 2, "0.0001", "2023-04-06T11:54:27Z", List.of(), TradeStatus.OK));
        trades.add(trade(sym, 3, "123456.789012", "2023-04-06T11:54:28.5Z", List.of("I"), TradeStatus.OK));
        trades.add(trade(sym, 4, "1", "2023-04-06T11:54:29.1234567Z", List.of(), TradeStatus.OK));
        for (int i = 0; i < 500; i++) {
            trades.add(trade(sym, 1000 + i, "100." + i, "2023-04-06T12:00:00.000001Z", List.of("@"), TradeStatus.OK));
        }
        produceTrades(topic, trades);

        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 504);
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT trade_id, price::text, size, conditions, tape, trade_date, trade_ts, "
                     + "received_at, status, exchange FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym
                     + "' AND trade_id < 1000 ORDER BY trade_id")) {
            assertThat(rs.next()).isTrue();
            // numeric keeps the exact decimal, trailing zeros included
            assertThat(rs.getString(2)).isEqualTo("162.9200");
            assertThat(rs.getLong(3)).isEqualTo(3);
            assertThat((String[]) rs.getArray(4).getArray()).containsExactly("@", "F", " ");
            assertThat(rs.getString(5)).isEqualTo("C");
            assertThat(rs.getObject(6, LocalDate.class)).isEqualTo(LocalDate.parse("2023-04-06"));
            // timestamptz keeps microseconds: .838232225 is stored as .838232
            assertThat(rs.getObject(7, java.time.OffsetDateTime.class).toInstant())
                    .isEqualTo(Instant.parse("2023-04-06T11:54:26.838232Z"));
            assertThat(rs.getObject(8, java.time.OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2023-04-06T11:54:26.900Z"));
            assertThat(rs.getString(9)).isEqualTo("ok");
            assertThat(rs.getString(10)).isEqualTo("K");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("0.0001");
            assertThat((String[]) rs.getArray(4).getArray()).isEmpty();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("123456.789012");
            assertThat(rs.getObject(7, java.time.OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2023-04-06T11:54:28.5Z"));
            assertThat(rs.next()).isTrue();
            // sub-microsecond digits are rounded to the nearest microsecond, not truncated
            assertThat(rs.getObject(7, java.time.OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2023-04-06T11:54:29.123457Z"));
        }
        assertThat(queryString("SELECT price::text FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym
                + "' AND trade_id = 1499")).isEqualTo("100.499");
        assertThat(connectorRunning(info)).isTrue();
    }

    @Test
    void shouldLandBarsAndReplaceAnUpdatedBar(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.BARS_SINK_FILE, info);
        String sym = symbol(info);
        Instant t0 = Instant.parse("2021-02-22T19:15:00Z");
        List<Bar> bars = new ArrayList<>();
        bars.add(new Bar(sym, Timeframe.MIN_1, t0, new BigDecimal("388.985"), new BigDecimal("389.13"), new BigDecimal("388.975"),
                new BigDecimal("389.12"), 49378, 461L, new BigDecimal("389.062639"), BarSource.STREAM));
        bars.add(new Bar(sym, Timeframe.MIN_1, t0.plusSeconds(60), new BigDecimal("136"), new BigDecimal("136"), new BigDecimal("136"),
                new BigDecimal("136"), 100, null, null, BarSource.STREAM));
        bars.add(new Bar(sym, Timeframe.DAY_1, Instant.parse("2021-02-22T05:00:00Z"), new BigDecimal("380.1"), new BigDecimal("390.2"),
                new BigDecimal("379.3"), new BigDecimal("389.4"), 1_000_000, 9000L, new BigDecimal("385.5"), BarSource.BACKFILL));
        for (int i = 0; i < 100; i++) {
            bars.add(new Bar(sym, Timeframe.MIN_1, t0.plusSeconds(3600 + 60L * i), new BigDecimal("1.5"), new BigDecimal("2.5"),
                    new BigDecimal("0.5"), new BigDecimal("1." + i), i, (long) i, new BigDecimal("1.25"), BarSource.STREAM));
        }
        produceBars(topic, bars);
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_bars_staging WHERE symbol = '" + sym + "'", 103);
        assertThat(queryString("SELECT open::text || ' ' || vwap::text || ' ' || trade_count || ' ' || source FROM "
                + "market_data_oltp.stock_bars_staging WHERE symbol = '" + sym + "' AND bar_ts = '2021-02-22T19:15:00Z'"))
                .isEqualTo("388.985 389.062639 461 stream");
        assertThat(queryString("SELECT coalesce(vwap::text, 'null') || ' ' || coalesce(trade_count::text, 'null') FROM "
                + "market_data_oltp.stock_bars_staging WHERE symbol = '" + sym + "' AND bar_ts = '2021-02-22T19:16:00Z'"))
                .isEqualTo("null null");

        // A 'u' bar for the same minute replaces the stored one.
        produceBars(topic, List.of(new Bar(sym, Timeframe.MIN_1, t0, new BigDecimal("388.985"), new BigDecimal("389.50"),
                new BigDecimal("388.975"), new BigDecimal("389.45"), 50000, 470L, new BigDecimal("389.1"), BarSource.UPDATED)));
        await().atMost(WAIT).until(() -> queryString("SELECT high::text || ' ' || volume || ' ' || source FROM "
                + "market_data_oltp.stock_bars_staging WHERE symbol = '" + sym + "' AND bar_ts = '2021-02-22T19:15:00Z'"
                + " AND timeframe = '1Min'"), v -> "389.50 50000 updated".equals(v));
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_bars_staging WHERE symbol = '" + sym + "'", 103);
    }

    @Test
    void shouldRouteUnwritableRecordsToTheDlqAndKeepRunning(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        try (KafkaProducer<String, byte[]> p = rawProducer()) {
            p.send(new ProducerRecord<>(topic, sym, "not json at all".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(topic, sym, ("{\"symbol\":\"" + sym + "\",\"price\":1.5}").getBytes(StandardCharsets.UTF_8))).get();
        }
        produceTrades(topic, List.of(trade(sym, 7, "10.01", "2023-04-06T15:00:00Z", List.of(), TradeStatus.OK)));

        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 1);
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestNames.unique("dlq"), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.SINK_DLQ_NAME));
            await().atMost(WAIT).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (topic.equals(header(r, "__connect.errors.topic"))) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
        }
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("not json at all", "{\"symbol\":\"" + sym + "\",\"price\":1.5}");
        assertThat(header(dead.get(0), "__connect.errors.exception.class.name")).isNotBlank();
        assertThat(header(dead.get(1), "__connect.errors.partition")).isNotNull();
        assertThat(connectorRunning(info)).isTrue();
    }

    @Test
    void shouldUpdateTheStoredRowOnCorrectionAndCancel(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        Trade original = trade(sym, 52983525033527L, "39.1582", "2023-04-06T14:25:06.542305024Z", List.of(" ", "7"), TradeStatus.OK);
        Trade toCancel = trade(sym, 465, "105.31", "2023-04-06T13:15:42.83540958Z", List.of(), TradeStatus.OK);
        // The same key twice in one batch: the sink's reduction buffer keeps the last state (an upsert
        // statement may not touch a row twice).
        Trade sameBatch = trade(sym, 999, "1.23", "2023-04-06T13:00:00Z", List.of(), TradeStatus.OK);
        produceTrades(topic, List.of(original, toCancel, sameBatch, sameBatch.withStatus(TradeStatus.CANCELED, Instant.now())));
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 3);
        await().atMost(WAIT).until(() -> queryString("SELECT status FROM market_data_oltp.stock_trades_realtime WHERE symbol = '"
                + sym + "' AND trade_id = 999"), "canceled"::equals);

        Instant now = Instant.parse("2023-04-06T14:26:00Z");
        Trade corrected = new Trade(sym, 52983525034326L, "K", original.tradeDate(), new BigDecimal("39.1809"), 440000,
                List.of(" ", "7"), "C", original.tradeTs(), original.receivedAt(), TradeStatus.OK, now);
        produceTrades(topic, List.of(original.withStatus(TradeStatus.CORRECTED, now), corrected, toCancel.withStatus(TradeStatus.CANCELED, now)));

        await().atMost(WAIT).until(() -> queryString("SELECT string_agg(trade_id || ':' || status || ':' || price::text, ',' ORDER BY trade_id) "
                        + "FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'"),
                v -> "465:canceled:105.31,999:canceled:1.23,52983525033527:corrected:39.1582,52983525034326:ok:39.1809".equals(v));
        assertThat(queryString("SELECT updated_at FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym
                + "' AND trade_id = 465")).isNotNull();
    }

    @Test
    void shouldRestoreDeletedRowsOnReplayAndChangeNothingOnASecondReplay(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        produceReplayRange(topic, sym, "50.", "2024-03-01T14:30:00.123456789Z");
        String all = "SELECT string_agg(symbol || trade_id || price::text || trade_ts::text || status, ',' ORDER BY trade_id) "
                + "FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'";
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 60);
        String before = queryString(all);
        // Wait until the sink has committed everything, so the replay starts from a settled state.
        awaitCommittedAtEnd(info);

        execute("DELETE FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "' AND trade_id >= 40");
        assertThat(queryString("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'")).isEqualTo("40");

        String name = connectorName(info);
        Output dry = cli("replay", "--connector", name, "--from", REPLAY_FROM);
        assertThat(dry.code).isZero();
        assertThat(dry.text).contains("dry run").contains("30 record(s) in range");
        assertThat(queryString("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'")).isEqualTo("40");

        Output run = cli("replay", "--connector", name, "--from", REPLAY_FROM, "--yes", "--wait", "180");
        assertThat(run.code).as(run.text).isZero();
        assertThat(run.text).contains("replay done: 30 record(s)");
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 60);
        assertThat(queryString(all)).isEqualTo(before);

        Output again = cli("replay", "--connector", name, "--from", REPLAY_FROM, "--yes", "--wait", "180");
        assertThat(again.code).as(again.text).isZero();
        assertThat(queryString(all)).isEqualTo(before);
        assertThat(queryString("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'")).isEqualTo("60");
        assertThat(connectorRunning(info)).isTrue();
    }

    @Test
    void shouldNotCallAReplayDoneWhenRetentionDeletedTheRangeBeforeTheSinkReReadIt(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        produceReplayRange(topic, sym, "70.", "2024-03-01T14:30:00.25Z");
        awaitCount("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'", 60);
        awaitCommittedAtEnd(info);

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             CommittedRecords records = new CommittedRecords(kafka.bootstrapServers())) {
            Replay replay = new Replay(new ConnectRestClient(worker.restUrl()), admin, records, ps);
            Replay.Plan plan = replay.plan(connectorName(info), Instant.parse(REPLAY_FROM), null, java.util.Set.of());
            assertThat(plan.recordsInRange()).isEqualTo(30);
            // What the broker's retention check does to records older than retention.ms, between plan and re-read.
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.RecordsToDelete> cut = new java.util.HashMap<>();
            plan.rewinds().forEach(r -> cut.put(r.partition(), org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(r.end())));
            admin.deleteRecords(cut).all().get();

            Replay.Summary s = replay.execute(plan, Duration.ofSeconds(120));
            System.out.println(buf.toString(StandardCharsets.UTF_8));
            assertThat(s.deletedByRetention()).isEqualTo(30);
            assertThat(s.complete()).isFalse();
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("were deleted by retention before the sink re-read them");
        }
        // The CLI, asked again, finds nothing left at or after --from and says so without changing offsets.
        Output again = cli("replay", "--connector", connectorName(info), "--from", REPLAY_FROM, "--yes", "--wait", "60");
        assertThat(again.code).as(again.text).isZero();
        assertThat(again.text).contains("nothing at or after --from");
        assertThat(connectorRunning(info)).isTrue();
    }

    @Test
    void shouldReportCaughtUpWhenReplayingATopicWrittenByATransactionalProducer(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info);
        String sym = symbol(info);
        long early = REPLAY_EARLY.toEpochMilli();
        long late = REPLAY_EARLY.plus(Duration.ofHours(1)).toEpochMilli();
        // As streams-app writes the clean topics (EOS v2): every partition a transaction touched ends with its
        // commit marker, which takes an offset the sink never commits past.
        try (KafkaProducer<String, Trade> p = transactionalProducer(TestNames.unique(info))) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < 30; i++) {
                p.send(new ProducerRecord<>(topic, null, early, sym + (i % 4), trade(sym, i, "60." + i, "2024-03-01T14:30:00.5Z", List.of("@", "I"), TradeStatus.OK)));
            }
            p.commitTransaction();
            // An aborted transaction (a streams-app task that failed over): its records sit in the log, in the
            // replay range, but neither the sink (read_committed) nor replay's counts may see them.
            p.beginTransaction();
            for (int i = 0; i < 8; i++) {
                p.send(new ProducerRecord<>(topic, null, late, sym + (i % 4), trade(sym, 1000 + i, "1.00", "2024-03-01T15:30:00Z", List.of("@"), TradeStatus.OK)));
            }
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            for (int i = 30; i < 60; i++) {
                p.send(new ProducerRecord<>(topic, null, late, sym + (i % 4), trade(sym, i, "60." + i, "2024-03-01T15:30:00.5Z", List.of("@", "I"), TradeStatus.OK)));
            }
            p.commitTransaction();
        }
        String count = "SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'";
        String all = "SELECT string_agg(symbol || trade_id || exchange || trade_date::text || price::text || size || array_to_string(conditions, '|')"
                + " || trade_ts::text || status, ',' ORDER BY trade_id) FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "'";
        awaitCount(count, 60);
        // Settled: each partition's committed offset is just before its final commit marker.
        Map<org.apache.kafka.common.TopicPartition, Long> ends = endOffsets(topic);
        ConnectRestClient rest = new ConnectRestClient(worker.restUrl());
        await().atMost(WAIT).until(() -> {
            int settled = 0;
            for (var o : rest.offsets(connectorName(info)).path("offsets")) {
                var tp = new org.apache.kafka.common.TopicPartition(topic, o.path("partition").path("kafka_partition").asInt());
                settled += o.path("offset").path("kafka_offset").asLong() == ends.get(tp) - 1 ? 1 : 0;
            }
            return settled == ends.values().stream().filter(e -> e > 0).count();
        });
        String before = queryString(all);
        assertThat(before).contains(sym + "59K2024-03-0160.593@|I").doesNotContain(sym + "1000");

        execute("DELETE FROM market_data_oltp.stock_trades_realtime WHERE symbol = '" + sym + "' AND trade_id >= 40");
        String name = connectorName(info);
        Output dry = cli("replay", "--connector", name, "--from", REPLAY_FROM);
        assertThat(dry.code).as(dry.text).isZero();
        // 30 committed records, not their offsets plus the aborted records and the markers.
        assertThat(dry.text).contains("30 record(s) in range");

        Output run = cli("replay", "--connector", name, "--from", REPLAY_FROM, "--yes", "--wait", "180");
        assertThat(run.code).as(run.text).isZero();
        assertThat(run.text).contains("replay done: 30 record(s)").doesNotContain("not yet caught up");
        assertThat(queryString(count)).isEqualTo("60");
        assertThat(queryString(all)).isEqualTo(before);
        assertThat(connectorRunning(info)).isTrue();
    }

    @Test
    void shouldRestartFailedTasksWhenAnUnchangedConnectorIsAppliedAgain(TestInfo info) throws Exception {
        String name = connectorName(info);
        String table = "market_data_oltp.late_table_" + Integer.toHexString(name.hashCode() & 0xfffff);
        // The table does not exist yet (schema.evolution=none): the task FAILS on its first record, as it does
        // when the database is away, and stays FAILED until someone restarts it.
        String topic = applyConnector(ConnectorConfigFile.TRADES_SINK_FILE, info, Map.of("tasks.max", "1", "collection.name.format", table));
        Path f = tmp.resolve(name + ".json");
        String sym = symbol(info);
        produceTrades(topic, List.of(trade(sym, 1, "10.5", "2024-03-01T14:30:00Z", List.of(), TradeStatus.OK)));
        ConnectRestClient rest = new ConnectRestClient(worker.restUrl());
        await().atMost(WAIT).until(() -> rest.status(name).map(ConnectorsApplier::anyFailed).orElse(false));

        // The cause is fixed; applying the same file again restarts what FAILED instead of leaving it failed.
        execute("CREATE TABLE " + table + " (LIKE market_data_oltp.stock_trades_realtime INCLUDING ALL)");
        Output again = cli("connectors", "apply", "--wait", "60", f.toString());
        assertThat(again.text).contains("unchanged " + name + " (restarted its FAILED connector/tasks)");
        assertThat(again.code).as(again.text).isZero();
        awaitCount("SELECT count(*) FROM " + table + " WHERE symbol = '" + sym + "'", 1);
        assertThat(cli("connectors", "delete", "--yes", f.toString()).code).isZero();
    }

    @Test
    void shouldPrintValidationErrorsFieldByFieldAndChangeNothing(TestInfo info) throws Exception {
        String name = connectorName(info);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(Path.of(ConnectorConfigFile.TRADES_SINK_FILE)));
        root.put("name", name);
        ObjectNode cfg = (ObjectNode) root.get("config");
        cfg.put("insert.mode", "upsrt");
        cfg.put("primary.key.mode", "record_valu");
        Path typo = tmp.resolve(name + "-typo.json");
        Files.write(typo, Json.MAPPER.writeValueAsBytes(root));

        Output out = cli("connectors", "apply", typo.toString());
        assertThat(out.code).isEqualTo(1);
        assertThat(out.text).contains("INVALID").contains("insert.mode:").contains("primary.key.mode:").contains("nothing applied");

        cfg.put("insert.mode", "upsert");
        cfg.put("primary.key.mode", "record_value");
        cfg.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConector");
        Path wrongClass = tmp.resolve(name + "-class.json");
        Files.write(wrongClass, Json.MAPPER.writeValueAsBytes(root));
        Output out2 = cli("connectors", "apply", wrongClass.toString());
        assertThat(out2.code).isEqualTo(1);
        assertThat(out2.text).contains("connector.class:").contains("nothing applied");

        cfg.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        cfg.remove("connection.url");
        Path missing = tmp.resolve(name + "-missing.json");
        Files.write(missing, Json.MAPPER.writeValueAsBytes(root));
        Output out3 = cli("connectors", "apply", missing.toString());
        assertThat(out3.code).as(out3.text).isEqualTo(1);
        assertThat(out3.text).contains("connection.url:");

        assertThat(new ConnectRestClient(worker.restUrl()).connectors().toString()).doesNotContain(name);
    }

    @Test
    void shouldApplyIdempotentlyAndCreateCompactedInternalTopics(TestInfo info) throws Exception {
        String topic = applyConnector(ConnectorConfigFile.BARS_SINK_FILE, info);
        Output second = cli("connectors", "apply", tmp.resolve(connectorName(info) + ".json").toString());
        assertThat(second.code).as(second.text).isZero();
        assertThat(second.text).contains("unchanged " + connectorName(info)).contains("connector RUNNING");
        Output status = cli("connectors", "status", "--name", connectorName(info));
        assertThat(status.code).isZero();
        assertThat(status.text).contains("connector RUNNING").contains("task 0 RUNNING");

        // A changed file is an update, and the CLI waits until the restarted connector is RUNNING again.
        Path changed = tmp.resolve(connectorName(info) + "-changed.json");
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(tmp.resolve(connectorName(info) + ".json")));
        ((ObjectNode) root.get("config")).put("batch.size", "1000");
        Files.write(changed, Json.MAPPER.writeValueAsBytes(root));
        Output third = cli("connectors", "apply", changed.toString());
        assertThat(third.code).as(third.text).isZero();
        assertThat(third.text).contains("updated  " + connectorName(info)).contains("connector RUNNING");
        assertThat(topic).isNotBlank();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConnectWorkerConfig wc = worker.config();
            for (String internal : List.of(wc.configTopic(), wc.offsetTopic(), wc.statusTopic())) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, internal);
                Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
                assertThat(c.get("cleanup.policy").value()).as(internal).isEqualTo("compact");
            }
        }
    }

    // ---- helpers ----

    /** Writes the module's file with this test's connector name and topic, applies it with the CLI, returns the topic. */
    static String applyConnector(String file, TestInfo info) throws Exception {
        return applyConnector(file, info, Map.of());
    }

    /** As above, with some of the file's settings replaced. */
    static String applyConnector(String file, TestInfo info, Map<String, String> overrides) throws Exception {
        String topic = TestNames.unique(info);
        kafka.createTopics(3, topic);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(Path.of(file)));
        root.put("name", connectorName(info));
        ObjectNode config = (ObjectNode) root.get("config");
        config.put("topics", topic);
        overrides.forEach(config::put);
        Path f = tmp.resolve(connectorName(info) + ".json");
        Files.write(f, Json.MAPPER.writeValueAsBytes(root));
        Output out = cli("connectors", "apply", "--wait", "120", f.toString());
        assertThat(out.code).as(out.text).isZero();
        assertThat(out.text).contains("created  " + connectorName(info));
        return topic;
    }

    static String connectorName(TestInfo info) {
        return "sink-" + info.getTestMethod().orElseThrow().getName();
    }

    static String symbol(TestInfo info) {
        return "S" + Integer.toHexString(info.getTestMethod().orElseThrow().getName().hashCode()).toUpperCase();
    }

    static boolean connectorRunning(TestInfo info) {
        return new ConnectRestClient(worker.restUrl()).status(connectorName(info)).map(ConnectorsApplier::isRunning).orElse(false);
    }

    static void awaitCommittedAtEnd(TestInfo info) {
        ConnectRestClient rest = new ConnectRestClient(worker.restUrl());
        await().atMost(WAIT).until(() -> {
            long sum = 0;
            for (var o : rest.offsets(connectorName(info)).path("offsets")) {
                sum += o.path("offset").path("kafka_offset").asLong();
            }
            return sum == 60;
        });
    }

    record Output(int code, String text) {}

    static Output cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = ConnectorsCli.run(cliEnv, ps, ps, args);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println("$ stockpipe " + String.join(" ", args) + "\n" + text);
        return new Output(code, text);
    }

    static Trade trade(String sym, long id, String price, String ts, List<String> conditions, TradeStatus status) {
        Instant t = Instant.parse(ts);
        return new Trade(sym, id, "K", LocalDate.parse("2023-04-06").plusDays(ts.startsWith("2024") ? 330 : 0), new BigDecimal(price),
                3, conditions, "C", t, Instant.parse("2023-04-06T11:54:26.900Z"), status, null);
    }

    static KafkaProducer<String, Trade> tradeProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                Topics.TRADES.keySerde().serializer(), Topics.TRADES.valueSerde().serializer());
    }

    static KafkaProducer<String, Trade> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Topics.TRADES.keySerde().serializer(), Topics.TRADES.valueSerde().serializer());
    }

    static Map<org.apache.kafka.common.TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> req = new java.util.HashMap<>();
            for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
                req.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            Map<org.apache.kafka.common.TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(req).all().get().forEach((tp, i) -> ends.put(tp, i.offset()));
            return ends;
        }
    }

    static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    static void produceTrades(String topic, List<Trade> trades) throws Exception {
        try (KafkaProducer<String, Trade> p = tradeProducer()) {
            for (Trade t : trades) {
                p.send(new ProducerRecord<>(topic, t.symbol(), t));
            }
            p.flush();
        }
    }

    /** Trades 0..59 of sym priced pricePrefix + id, keyed over 4 keys: 0..29 at REPLAY_EARLY, 30..59 an hour later. */
    static void produceReplayRange(String topic, String sym, String pricePrefix, String tradeTs) {
        long early = REPLAY_EARLY.toEpochMilli();
        long late = REPLAY_EARLY.plus(Duration.ofHours(1)).toEpochMilli();
        try (KafkaProducer<String, Trade> p = tradeProducer()) {
            for (int i = 0; i < 60; i++) {
                Trade t = trade(sym, i, pricePrefix + i, tradeTs, List.of("@"), TradeStatus.OK);
                p.send(new ProducerRecord<>(topic, null, i < 30 ? early : late, sym + (i % 4), t));
            }
            p.flush();
        }
    }

    static void produceBars(String topic, List<Bar> bars) {
        try (KafkaProducer<String, Bar> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), Topics.BARS.keySerde().serializer(), Topics.BARS.valueSerde().serializer())) {
            for (Bar b : bars) {
                p.send(new ProducerRecord<>(topic, b.symbol(), b));
            }
            p.flush();
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static void awaitCount(String sql, long expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Long.parseLong(queryString(sql)) == expected);
    }

    static String queryString(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
