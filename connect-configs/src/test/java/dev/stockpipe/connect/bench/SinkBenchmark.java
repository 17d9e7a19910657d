package dev.stockpipe.connect.bench;

import dev.stockpipe.connect.ConnectRestClient;
import dev.stockpipe.connect.ConnectorConfigFile;
import dev.stockpipe.connect.ConnectorsApplier;
import dev.stockpipe.connect.EmbeddedConnect;
import dev.stockpipe.connect.Migrations;
import dev.stockpipe.connect.PostgresConfig;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.FreePorts;
import dev.stockpipe.model.Topics;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.TradeStatus;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;

/**
 * Not a test: sustained rows/s from a clean topic into PostgreSQL through the real sink, next to COPY into
 * the same table in the same run, and produce-to-visible-row lag at a fixed rate. Prints its command.
 * Run: see connect-configs/README.md ("Benchmark").
 */
public final class SinkBenchmark {
    private SinkBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int lagRate = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int lagSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        Path dir = Files.createTempDirectory("sink-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 6);
             EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), 0)) {
            PostgresConfig target = new PostgresConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password());
            Migrations.migrate(target);
            Map<String, String> env = Map.of("POSTGRES_HOST", pg.host(), "POSTGRES_PORT", Integer.toString(pg.port()),
                    "POSTGRES_DB", pg.database(), "POSTGRES_USER", pg.user(), "POSTGRES_PASSWORD", pg.password());
            kafka.createTopics(6, "bench.trades");
            try (EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers(), FreePorts.pick(), "bench-connect", env)) {
                long t0 = System.nanoTime();
                try (KafkaProducer<String, Trade> p = producer(kafka)) {
                    for (int i = 0; i < n; i++) {
                        Trade t = trade("B" + (i % 50), i);
                        p.send(new ProducerRecord<>("bench.trades", t.symbol(), t));
                    }
                    p.flush();
                }
                double produceSecs = (System.nanoTime() - t0) / 1e9;

                ConnectorConfigFile file = ConnectorConfigFile.load(Path.of(ConnectorConfigFile.TRADES_SINK_FILE));
                Map<String, String> cfg = new java.util.LinkedHashMap<>(file.config());
                cfg.put("topics", "bench.trades");
                cfg.put("tasks.max", Integer.toString(tasks));
                ConnectRestClient rest = new ConnectRestClient(connect.restUrl());
                long s0 = System.nanoTime();
                rest.putConfig("bench-sink", cfg);
                awaitCount(pg, "symbol LIKE 'B%'", n, Duration.ofMinutes(20));
                double sinkSecs = (System.nanoTime() - s0) / 1e9;

                double copySecs = copy(pg, n);

                double[] lag = lag(kafka, pg, lagRate, lagSeconds);
                new ConnectorsApplier(rest, System.out).printStatus("bench-sink");
                System.out.printf("%n== SinkBenchmark %s (2-core box, PostgreSQL %s, tasks.max=%d, batch.size=%s) ==%n",
                        Arrays.toString(args), "embedded", tasks, cfg.get("batch.size"));
                System.out.printf("produce        %,d trades in %.1f s = %,.0f records/s%n", n, produceSecs, n / produceSecs);
                System.out.printf("sink (upsert)  %,d rows in %.1f s = %,.0f rows/s (incl. task start)%n", n, sinkSecs, n / sinkSecs);
                System.out.printf("COPY           %,d rows in %.1f s = %,.0f rows/s; sink = %.0f %% of COPY%n", n, copySecs, n / copySecs,
                        100.0 * copySecs / sinkSecs);
                System.out.printf("lag at %,d trades/s for %d s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (produce -> row visible, 20 ms polling)%n",
                        lagRate, lagSeconds, lag[0], lag[1], lag[2]);
            }
        }
    }

    static Trade trade(String symbol, long id) {
        Instant ts = Instant.parse("2024-03-01T14:30:00Z").plusNanos(id * 1_000);
        return new Trade(symbol, id, "V", LocalDate.parse("2024-03-01"), new BigDecimal("100.25").add(BigDecimal.valueOf(id % 1000, 2)),
                100, List.of("@", "I"), "C", ts, ts.plusMillis(3), TradeStatus.OK, null);
    }

    static KafkaProducer<String, Trade> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                Topics.TRADES.keySerde().serializer(), Topics.TRADES.valueSerde().serializer());
    }

    static long count(EmbeddedPostgres pg, String where) throws Exception {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM market_data_oltp.stock_trades_realtime WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitCount(EmbeddedPostgres pg, String where, long n, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (count(pg, where) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sink did not reach " + n + " rows");
            }
            Thread.sleep(100);
        }
    }

    static double copy(EmbeddedPostgres pg, int n) throws Exception {
        StringBuilder csv = new StringBuilder(n * 120);
        for (int i = 0; i < n; i++) {
            Trade t = trade("C" + (i % 50), i);
            csv.append(t.symbol()).append(',').append(t.tradeId()).append(",V,2024-03-01,").append(t.price().toPlainString())
                    .append(",100,\"{@,I}\",C,").append(t.tradeTs()).append(',').append(t.receivedAt()).append(",ok,\n");
        }
        try (Connection c = pg.dataSource().getConnection()) {
            long s0 = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY market_data_oltp.stock_trades_realtime (symbol, trade_id, exchange, "
                    + "trade_date, price, size, conditions, tape, trade_ts, received_at, status, updated_at) FROM STDIN (FORMAT csv)",
                    new StringReader(csv.toString()));
            return (System.nanoTime() - s0) / 1e9;
        }
    }

    /** Produces at a fixed rate and polls for the rows; returns p50, p99, max lag in ms. */
    static double[] lag(EmbeddedKafka kafka, EmbeddedPostgres pg, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] sent = new long[total];
        long[] seen = new long[total];
        Thread poller = new Thread(() -> {
            try (Connection c = pg.dataSource().getConnection();
                 PreparedStatement q = c.prepareStatement("SELECT trade_id FROM market_data_oltp.stock_trades_realtime "
                         + "WHERE symbol LIKE 'L%' AND trade_id >= ?")) {
                int low = 0;
                while (low < total && !Thread.currentThread().isInterrupted()) {
                    q.setLong(1, low);
                    long now = System.nanoTime();
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            int id = (int) rs.getLong(1);
                            if (seen[id] == 0) {
                                seen[id] = now;
                            }
                        }
                    }
                    while (low < total && seen[low] != 0) {
                        low++;
                    }
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                if (!(e instanceof InterruptedException)) {
                    e.printStackTrace();
                }
            }
        }, "lag-poller");
        poller.start();
        try (KafkaProducer<String, Trade> p = producer(kafka)) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * (1e9 / rate));
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                Trade t = trade("L" + (i % 6), i);
                sent[i] = System.nanoTime();
                p.send(new ProducerRecord<>("bench.trades", t.symbol(), t));
            }
            p.flush();
        }
        poller.join(Duration.ofMinutes(5).toMillis());
        poller.interrupt();
        double[] lags = new double[total];
        for (int i = 0; i < total; i++) {
            lags[i] = seen[i] == 0 ? Double.POSITIVE_INFINITY : (seen[i] - sent[i]) / 1e6;
        }
        Arrays.sort(lags);
        return new double[] {lags[total / 2], lags[(int) (total * 0.99)], lags[total - 1]};
    }
}
