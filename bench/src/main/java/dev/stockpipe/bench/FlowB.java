package dev.stockpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.ServiceProcess;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.Topics;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow B: N raw trades produced into stocks.trades.raw as fast as a producer with the bridge's settings can →
 * streams-app (own process) → Kafka Connect worker with the Debezium JDBC sink (own process) → PostgreSQL.
 * Sustained rows/s and produce→visible lag (sampled probe trades, looked up by primary key every
 * {@link #POLL}); then, in the same run, a COPY of the same rows into the same table (the physical
 * reference) and a sink replay of the N clean trades (connect-configs' replay command) onto the emptied table.
 */
final class FlowB {
    private static final Logger LOG = LoggerFactory.getLogger(FlowB.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String TABLE = "market_data_oltp.stock_trades_realtime";
    private static final ZoneId NY = ZoneId.of("America/New_York");
    private static final int SYMBOLS = 20;
    private static final String CONNECTOR = "stock-trades-sink";

    private final BenchContext ctx;
    private final int trades;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    FlowB(BenchContext ctx, Integer trades) {
        this.ctx = ctx;
        this.trades = trades != null ? trades : ctx.quick ? 50_000 : 1_000_000;
    }

    Section run() {
        Section s = new Section("flow-b", "flow B: stocks.trades.raw → streams-app → Connect JDBC sink → PostgreSQL");
        long t0 = System.nanoTime();
        s.parameters.put("trades", trades);
        s.parameters.put("symbols", SYMBOLS);
        s.parameters.put("partitions", 6);
        s.parameters.put("producer", "acks=all, idempotent, lz4, batch 256 KiB, linger 5 ms (ingest-bridge's settings)");
        s.parameters.put("streams-app", "-Xmx256m, exactly_once_v2, defaults of StreamsAppConfig");
        s.parameters.put("Connect worker", "-Xmx768m, connector files of connect-configs as they are");
        s.parameters.put("lag probes", "every " + step() + "th trade, looked up by primary key every " + POLL.toMillis() + " ms");
        try {
            measure(s);
        } catch (Exception e) {
            LOG.error("flow-b failed", e);
            s.fail("flow-b", e);
        } finally {
            ctx.closeOwned();
            s.seconds = (System.nanoTime() - t0) / 1e9;
        }
        return s;
    }

    private int step() {
        return Math.max(1, trades / 2000);
    }

    private void measure(Section s) throws Exception {
        Instant flowStart = Instant.now();
        EmbeddedKafka kafka = ctx.own(EmbeddedKafka.start(ctx.workDir.resolve("flow-b-kafka"), 0, 6));
        kafka.createDesignTopics(6);
        EmbeddedPostgres pg = ctx.own(EmbeddedPostgres.start(ctx.workDir.resolve("flow-b-pg"), 0));
        Path migrations = ctx.root.resolve("connect-configs/src/main/resources/db/migration");
        Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).locations("filesystem:" + migrations).load().migrate();

        Map<String, String> pgEnv = new HashMap<>();
        pgEnv.put("POSTGRES_HOST", "127.0.0.1");
        pgEnv.put("POSTGRES_PORT", Integer.toString(pg.port()));
        pgEnv.put("POSTGRES_DB", pg.database());
        pgEnv.put("POSTGRES_USER", pg.user());
        pgEnv.put("POSTGRES_PASSWORD", pg.password());

        int iqPort = BenchContext.freePort();
        Map<String, String> streamsEnv = new HashMap<>();
        streamsEnv.put("BIND_HOST", "127.0.0.1");
        streamsEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        streamsEnv.put("STREAMS_IQ_PORT", Integer.toString(iqPort));
        streamsEnv.put("STREAMS_STATE_DIR", ctx.workDir.resolve("streams-state").toString());
        streamsEnv.put("STREAMS_APPLICATION_ID", "bench-streams");
        ServiceProcess streams = ctx.startModule("streams-app", "streams-app", "dev.stockpipe.streams.StreamsAppMain", "256m",
                streamsEnv, List.of());

        int connectPort = BenchContext.freePort();
        Map<String, String> connectEnv = new HashMap<>(pgEnv);
        connectEnv.put("BIND_HOST", "127.0.0.1");
        connectEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        connectEnv.put("CONNECT_REST_PORT", Integer.toString(connectPort));
        connectEnv.put("CONNECT_GROUP_ID", "bench-connect");
        connectEnv.put("CONNECT_PLUGIN_PATH", ctx.root.resolve("connect-configs/target/connect-plugins").toString());
        ServiceProcess connect = ctx.startModule("connect-worker", "connect-configs", "dev.stockpipe.connect.ConnectWorkerMain", "768m",
                connectEnv, List.of());
        String connectUrl = "http://127.0.0.1:" + connectPort;
        ctx.awaitHttpOk(streams, "http://127.0.0.1:" + iqPort + "/health", Duration.ofSeconds(120));
        ctx.awaitHttpOk(connect, connectUrl + "/connectors", Duration.ofSeconds(120));

        Map<String, String> cliEnv = new HashMap<>(pgEnv);
        cliEnv.put("CONNECT_URL", connectUrl);
        cliEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        cliEnv.put("CONNECT_CONFIGS_DIR", ctx.root.resolve("connect-configs").toString());
        int rc = cli("connectors-apply", cliEnv, List.of("connectors", "apply"), Duration.ofSeconds(180));
        if (rc != 0) {
            throw new BenchException("`connectors apply` exited " + rc + "; see " + ctx.logDir.resolve("connectors-apply.log"));
        }
        awaitConnectorRunning(connectUrl, Duration.ofSeconds(120));

        LocalDate day = LocalDate.now(NY).minusDays(1);
        Instant base = day.atTime(LocalTime.NOON).atZone(NY).toInstant();
        int step = step();
        List<long[]> probes = new ArrayList<>(); // {index, send nanoTime}
        ProcessSampler sampler = new ProcessSampler("pipeline " + trades + " trades")
                .track("streams-app", streams.pid(), true, "http://127.0.0.1:" + iqPort + "/metrics")
                .track("connect-worker", connect.pid(), true, null)
                .track("postgresql", pg.pid(), false, null)
                .track("bench (producer + Kafka broker)", ProcessHandle.current().pid(), false, null).start();

        ProbePoller poller = new ProbePoller(pg, day);
        Thread pollThread = new Thread(poller, "probe-poller");
        pollThread.setDaemon(true);
        pollThread.start();
        long produceStart = System.nanoTime();
        long produceLimit = produceStart + Duration.ofSeconds(ctx.quick ? 30 : 90).toNanos();
        long producedAt;
        int produced = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(kafka.bootstrapServers()))) {
            byte[] feed = "iex".getBytes(StandardCharsets.UTF_8);
            byte[] session = "bench".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < trades; i++) {
                if ((i & 1023) == 0 && System.nanoTime() > produceLimit) {
                    break; // bounded duration: a slow machine measures fewer trades rather than running for ever
                }
                produced = i + 1;
                String sym = symbol(i);
                ProducerRecord<String, byte[]> rec = new ProducerRecord<>(Topics.TRADES_RAW_NAME, sym, rawTrade(i, base));
                long now = System.nanoTime();
                rec.headers().add(RecordHeaders.RECEIVED_AT, Long.toString(EpochClock.now()).getBytes(StandardCharsets.US_ASCII));
                rec.headers().add(RecordHeaders.FEED, feed);
                rec.headers().add(RecordHeaders.SESSION, session);
                producer.send(rec);
                if (i % step == 0) {
                    poller.add(new long[] {i, now});
                    probes.add(new long[] {i, now});
                }
            }
            producer.flush();
            producedAt = System.nanoTime();
        }
        double produceRate = produced / ((producedAt - produceStart) / 1e9);
        LOG.info("produced {} raw trades at {} records/s", produced, Report.num(produceRate));
        if (produced < trades) {
            s.notes.add("Only " + produced + " of " + trades + " trades were produced within the producer's time bound ("
                    + (ctx.quick ? 30 : 90) + " s): every figure below is for " + produced + " trades.");
        }
        s.parameters.put("trades produced", produced);

        long deadline = System.nanoTime() + Duration.ofSeconds(ctx.quick ? 60 : 180).toNanos();
        long visibleAll = -1;
        long count = 0;
        while (System.nanoTime() < deadline) {
            if (poller.outstanding() == 0) {
                count = count(pg);
                if (count >= produced) {
                    visibleAll = System.nanoTime();
                    break;
                }
            }
            BenchContext.sleep(poller.outstanding() == 0 ? 500 : 200);
        }
        poller.stop();
        pollThread.join(5000);
        s.processes.addAll(sampler.stop());
        sampler.close();
        if (count < produced) {
            count = count(pg);
        }
        // Where the time went: how far streams-app got (clean topic) vs what the sink wrote (rows).
        long cleanRecords = endOffsets(kafka.bootstrapServers(), Topics.TRADES_NAME);
        s.figures.add(Figure.info("stocks.trades end offsets when the wait ended (streams-app output, incl. transaction markers)",
                cleanRecords, "records"));
        Histogram lag = new Histogram(3_600_000_000_000L, 3);
        List<long[]> seen = poller.seen(); // {index, visible nanoTime}
        Map<Long, Long> sendByIndex = new HashMap<>();
        for (long[] p : probes) {
            sendByIndex.put(p[0], p[1]);
        }
        List<Long> visibleTimes = new ArrayList<>();
        for (long[] v : seen) {
            Long sent = sendByIndex.get(v[0]);
            if (sent != null) {
                lag.recordValue(Math.max(0, v[1] - sent));
                visibleTimes.add(v[1]);
            }
        }
        visibleTimes.sort(Long::compare);
        LatencySummary l = LatencySummary.of(lag);
        s.latencies.put("produce → visible row (probes)", l);
        double sustained = Double.NaN;
        if (visibleTimes.size() >= 10) {
            int a = visibleTimes.size() / 10;
            int b = visibleTimes.size() * 9 / 10;
            sustained = (b - a) * (double) step / ((visibleTimes.get(b) - visibleTimes.get(a)) / 1e9);
        }
        double endToEnd = visibleAll > 0 ? produced / ((visibleAll - produceStart) / 1e9) : Double.NaN;
        LOG.info("flow B: {} of {} rows visible; sustained {} rows/s, end-to-end {} rows/s, lag {}", count, produced,
                Report.num(sustained), Report.num(endToEnd), l.line());

        // The physical reference: the same rows by COPY into the same (emptied) table, the sink paused meanwhile.
        connectPut(connectUrl + "/connectors/" + CONNECTOR + "/pause");
        awaitStableCount(pg, Duration.ofSeconds(30));
        truncate(pg);
        double copyRate = copy(pg, base, day, produced);
        LOG.info("COPY of the same {} rows: {} rows/s", produced, Report.num(copyRate));

        // Replay: the sink re-reads the clean topic onto the emptied table (upserts), timed until every row is back.
        truncate(pg);
        long r0 = System.nanoTime();
        Process replay = startCli("replay", cliEnv, List.of("replay", "--connector", CONNECTOR, "--from",
                flowStart.minusSeconds(60).toString(), "--yes", "--wait", ctx.quick ? "60" : "90"));
        long replayCount = 0;
        long replayDeadline = System.nanoTime() + Duration.ofSeconds(ctx.quick ? 60 : 90).toNanos();
        while (System.nanoTime() < replayDeadline && (replayCount = count(pg)) < count) {
            BenchContext.sleep(250);
        }
        double replayElapsed = (System.nanoTime() - r0) / 1e9;
        double replaySeconds = replayCount >= count && count > 0 ? replayElapsed : Double.NaN;
        s.figures.add(Figure.info("sink replay: rows back within " + Report.num(replayElapsed) + " s", replayCount, "rows"));
        s.figures.add(Figure.info("sink replay rate", replayCount / replayElapsed, "rows/s"));
        // The CLI keeps checking the sink's catch-up on its own; its verdict goes to the notes.
        int replayRc = replay.waitFor(ctx.quick ? 70 : 100, TimeUnit.SECONDS) ? replay.exitValue() : -1;
        if (replayRc != 0) {
            replay.destroy();
            s.notes.add("connect-configs `replay` exited " + replayRc + " (see logs/replay.log); the rows were timed by counting them.");
        }
        LOG.info("replay (exit {}) of {} rows: {} s", replayRc, count, Report.num(replaySeconds));

        s.figures.add(Figure.info("raw trades produced", produceRate, "records/s"));
        s.figures.add(Figure.atLeast("rows visible (of " + produced + " produced)", count, "rows", produced));
        s.figures.add(Figure.atLeast("sustained sink rate (10 %→90 % of probes)", sustained, "rows/s", 80_000));
        s.figures.add(Figure.info("end-to-end rate (first produce → last row)", endToEnd, "rows/s"));
        s.figures.add(Figure.info("COPY of the same rows into the same table", copyRate, "rows/s"));
        s.figures.add(Figure.atLeast("sustained / COPY", 100.0 * sustained / copyRate, "%", 25));
        s.figures.add(Figure.info("lag p50 produce → visible", l.p50() / 1000, "s"));
        s.figures.add(Figure.atMost("lag p99 produce → visible", l.p99() / 1000, "s", 2));
        s.figures.add(Figure.info("full pipeline time for " + produced + " trades (produce → last row)",
                visibleAll > 0 ? (visibleAll - produceStart) / 1e9 : Double.NaN, "s"));
        s.figures.add(Figure.atMost("sink replay of " + count + " trades (replay CLI → all rows back)", replaySeconds, "s",
                15.0 * count / 1_000_000));
        double heap = s.processes.stream().filter(p -> p.name().equals("streams-app")).mapToDouble(ProcStats::heapPeakMb)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        s.figures.add(Figure.atMost("streams-app heap peak", heap, "MB", 256));

        Map<String, Histogram> curves = new LinkedHashMap<>();
        curves.put("produce → visible row", lag);
        Plots.latencyPercentiles(ctx.outDir.resolve("flow-b-lag.png"), "flow B: produce → visible row, by percentile", curves);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        series.put("rows visible per second (from probes)", perSecond(visibleTimes, produceStart, step));
        Plots.overTime(ctx.outDir.resolve("flow-b-throughput.png"), "flow B: rows landing in PostgreSQL per second", "rows/s", series);
        s.plots.add("flow-b-lag.png");
        s.plots.add("flow-b-throughput.png");
        s.notes.add("Lag = time a probe trade's row is first seen by a primary-key lookup − time it was handed to the producer;"
                + " resolution ≈ the " + POLL.toMillis() + " ms poll interval. Same JVM clock for both ends.");
        s.notes.add("Sustained = rows between the 10 % and 90 % probes over the time between their visibility (ramp-up and"
                + " tail excluded); end-to-end includes startup of the consumers' fetch and the last commit.");
        s.notes.add("The COPY reference and the replay each start from an emptied table (TRUNCATE) in the same run, same"
                + " PostgreSQL, same primary key and index. Replay time includes starting the replay CLI JVM.");
        s.notes.add("Goal for the replay is scaled to the rows replayed (15 s per 1M)" + (ctx.quick ? "; --quick runs " + trades + " trades." : "."));
    }

    private static List<double[]> perSecond(List<Long> visible, long origin, int step) {
        Map<Long, Long> buckets = new java.util.TreeMap<>();
        for (long v : visible) {
            buckets.merge((v - origin) / 1_000_000_000L, (long) step, Long::sum);
        }
        List<double[]> out = new ArrayList<>();
        if (buckets.isEmpty()) {
            return out;
        }
        long last = ((java.util.TreeMap<Long, Long>) buckets).lastKey();
        for (long sec = 0; sec <= last; sec++) {
            out.add(new double[] {sec, buckets.getOrDefault(sec, 0L)});
        }
        return out;
    }

    private static String symbol(int i) {
        return "S" + (char) ('A' + i % SYMBOLS) + "X";
    }

    private static Instant tradeTime(int i, Instant base) {
        return base.plusNanos(i * 10_000L);
    }

    private static BigDecimal price(int i) {
        return BigDecimal.valueOf(10_000 + i % 5000, 2);
    }

    private static byte[] rawTrade(int i, Instant base) {
        return ("{\"T\":\"t\",\"S\":\"" + symbol(i) + "\",\"i\":" + (i + 1) + ",\"x\":\"V\",\"p\":" + price(i).toPlainString()
                + ",\"s\":" + (1 + i % 500) + ",\"c\":[\"@\"],\"z\":\"C\",\"t\":\"" + tradeTime(i, base) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private double copy(EmbeddedPostgres pg, Instant base, LocalDate day, int trades) throws SQLException, IOException {
        long t0 = System.nanoTime();
        String now = Instant.now().toString();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            String sql = "COPY " + TABLE + " (symbol, trade_id, exchange, trade_date, price, size, conditions, tape, trade_ts,"
                    + " received_at, status, updated_at) FROM STDIN";
            StringBuilder sb = new StringBuilder(8 << 20);
            for (int i = 0; i < trades; i++) {
                sb.append(symbol(i)).append('\t').append(i + 1).append("\tV\t").append(day).append('\t').append(price(i).toPlainString())
                        .append('\t').append(1 + i % 500).append("\t{@}\tC\t").append(tradeTime(i, base)).append('\t').append(now)
                        .append("\tok\t").append(now).append('\n');
                if (i % 100_000 == 99_999) {
                    copy.copyIn(sql, new StringReader(sb.toString()));
                    sb.setLength(0);
                }
            }
            if (sb.length() > 0) {
                copy.copyIn(sql, new StringReader(sb.toString()));
            }
        }
        return trades / ((System.nanoTime() - t0) / 1e9);
    }

    /** Waits until the row count stopped moving for 2 s (the paused sink's last batch is in). */
    private static void awaitStableCount(EmbeddedPostgres pg, Duration max) throws SQLException {
        long deadline = System.nanoTime() + max.toNanos();
        long last = count(pg);
        long since = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - since < 2_000_000_000L) {
            BenchContext.sleep(250);
            long c = count(pg);
            if (c != last) {
                last = c;
                since = System.nanoTime();
            }
        }
    }

    private void connectPut(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new BenchException("PUT " + url + " answered " + r.statusCode() + " " + r.body());
        }
    }

    private static void truncate(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + TABLE);
        }
    }

    private static long endOffsets(String bootstrap, String topic) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var parts = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> req = new HashMap<>();
            for (var p : parts) {
                req.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long sum = 0;
            for (var e : admin.listOffsets(req).all().get(20, TimeUnit.SECONDS).values()) {
                sum += e.offset();
            }
            return sum;
        } catch (Exception e) {
            LOG.warn("cannot read end offsets of {}: {}", topic, e.toString());
            return -1;
        }
    }

    private static long count(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 33_554_432L);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Runs connect-configs' CLI as its own JVM; returns its exit code. */
    private int cli(String name, Map<String, String> env, List<String> args, Duration timeout) throws Exception {
        Process p = startCli(name, env, args);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new BenchException(name + " did not finish within " + timeout.toSeconds() + " s; see " + ctx.logDir.resolve(name + ".log"));
        }
        return p.exitValue();
    }

    private Process startCli(String name, Map<String, String> env, List<String> args) throws IOException {
        Path dir = ctx.root.resolve("connect-configs");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", dir.resolve("target/classes") + ":" + Files.readString(dir.resolve("target/classpath.txt")).trim(),
                "dev.stockpipe.connect.ConnectorsCli"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(ctx.logDir.resolve(name + ".log").toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    private void awaitConnectorRunning(String connectUrl, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(connectUrl + "/connectors/" + CONNECTOR + "/status"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200) {
                    JsonNode j = Json.MAPPER.readTree(r.body());
                    boolean tasksRunning = j.path("tasks").size() > 0;
                    for (JsonNode t : j.path("tasks")) {
                        tasksRunning &= "RUNNING".equals(t.path("state").asText());
                    }
                    if ("RUNNING".equals(j.path("connector").path("state").asText()) && tasksRunning) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted");
            }
            BenchContext.sleep(500);
        }
        throw new BenchException(CONNECTOR + " not RUNNING within " + timeout.toSeconds() + " s: " + last);
    }

    /** Looks up outstanding probe trades by primary key until stopped; records when each first became visible. */
    private static final class ProbePoller implements Runnable {
        private final EmbeddedPostgres pg;
        private final LocalDate day;
        private final ConcurrentLinkedQueue<long[]> incoming = new ConcurrentLinkedQueue<>();
        private final List<long[]> pending = new ArrayList<>();
        private final List<long[]> seen = new ArrayList<>();
        private volatile boolean running = true;
        private volatile int outstanding;

        ProbePoller(EmbeddedPostgres pg, LocalDate day) {
            this.pg = pg;
            this.day = day;
        }

        void add(long[] probe) {
            incoming.add(probe);
        }

        /** Probes not seen yet: queued by the producer plus pending in the poller. */
        int outstanding() {
            return incoming.size() + outstanding;
        }

        void stop() {
            running = false;
        }

        synchronized List<long[]> seen() {
            return new ArrayList<>(seen);
        }

        @Override
        public void run() {
            String sql = "SELECT trade_id FROM " + TABLE + " WHERE trade_date = ? AND exchange = 'V' AND (symbol, trade_id) IN"
                    + " (SELECT s, i FROM unnest(?::text[], ?::bigint[]) AS u(s, i))";
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                 PreparedStatement ps = c.prepareStatement(sql)) {
                while (running) {
                    long[] p;
                    while ((p = incoming.peek()) != null) {
                        pending.add(p);
                        outstanding = pending.size();
                        incoming.poll();
                    }
                    if (!pending.isEmpty()) {
                        List<long[]> batch = pending.subList(0, Math.min(400, pending.size()));
                        String[] syms = new String[batch.size()];
                        Long[] ids = new Long[batch.size()];
                        Map<Long, long[]> byId = new HashMap<>();
                        for (int k = 0; k < batch.size(); k++) {
                            int idx = (int) batch.get(k)[0];
                            syms[k] = symbol(idx);
                            ids[k] = (long) idx + 1;
                            byId.put((long) idx + 1, batch.get(k));
                        }
                        Array a = c.createArrayOf("text", syms);
                        Array b = c.createArrayOf("bigint", ids);
                        ps.setObject(1, day);
                        ps.setArray(2, a);
                        ps.setArray(3, b);
                        long now;
                        List<long[]> found = new ArrayList<>();
                        try (ResultSet rs = ps.executeQuery()) {
                            now = System.nanoTime();
                            while (rs.next()) {
                                long[] probe = byId.get(rs.getLong(1));
                                if (probe != null) {
                                    found.add(probe);
                                }
                            }
                        }
                        synchronized (this) {
                            for (long[] f : found) {
                                seen.add(new long[] {f[0], now});
                            }
                        }
                        pending.removeAll(found);
                        outstanding = pending.size();
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (SQLException e) {
                LOG.warn("probe poller stopped: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Epoch nanos for the received-at header, as ingest-bridge stamps it (one wall-clock read + nanoTime deltas). */
    private static final class EpochClock {
        private static final long BASE_NANO;
        private static final long BASE_EPOCH;

        static {
            long[] base = EpochCalibration.calibrate();
            BASE_EPOCH = base[0];
            BASE_NANO = base[1];
        }

        static long now() {
            return BASE_EPOCH + (System.nanoTime() - BASE_NANO);
        }
    }
}
