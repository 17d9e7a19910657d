package dev.stockpipe.connect;

import dev.stockpipe.model.Timeframe;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backfill", mixinStandardHelpOptions = true, description = "Backfill historical data into the raw topics.",
        subcommands = BackfillCommand.Bars.class)
final class BackfillCommand {
    /** Alpaca historical REST base URL. */
    static final String REST_URL = "ALPACA_DATA_REST_URL";
    static final String DEFAULT_REST_URL = "http://127.0.0.1:8765";
    static final String API_KEY = "ALPACA_API_KEY";
    static final String API_SECRET = "ALPACA_API_SECRET";
    /** The local simulator's only accepted pair (DESIGN.md). */
    static final String DEFAULT_KEY = "test";
    static final String FEED = "ALPACA_FEED";
    static final String DEFAULT_FEED = "iex";

    @Command(name = "bars", mixinStandardHelpOptions = true,
            description = "Pull bars from ALPACA_DATA_REST_URL /v2/stocks/bars into stocks.bars.raw (header source=backfill).")
    static final class Bars extends ConnectorsCli.EnvAware implements Callable<Integer> {
        @Option(names = "--symbols", required = true, split = ",", description = "e.g. AAPL,MSFT")
        List<String> symbols;

        @Option(names = "--start", required = true, description = "RFC 3339 or YYYY-MM-DD (inclusive)")
        String start;

        @Option(names = "--end", required = true, description = "RFC 3339 or YYYY-MM-DD (inclusive, as Alpaca's API)")
        String end;

        @Option(names = "--timeframe", defaultValue = "1Min", description = "1Min or 1Day (default ${DEFAULT-VALUE})")
        String timeframe;

        @Option(names = "--yes", description = "do it (without: print the plan and produce nothing)")
        boolean yes;

        @Option(names = "--topic", defaultValue = dev.stockpipe.model.Topics.BARS_RAW_NAME, hidden = true,
                description = "target topic (tests isolate themselves with it)")
        String topic;

        @Option(names = "--limit", defaultValue = "10000", hidden = true, description = "bars per page (1-10000)")
        int limit;

        @Override
        public Integer call() throws InterruptedException {
            Instant s = TimeArg.parse("--start", start);
            Instant e = TimeArg.parse("--end", end);
            if (!e.isAfter(s)) {
                throw new IllegalArgumentException("--end must be after --start");
            }
            Timeframe tf = Timeframe.parse(timeframe)
                    .orElseThrow(() -> new IllegalArgumentException("--timeframe=" + timeframe + " is not a timeframe"));
            String url = env.getOrDefault(REST_URL, DEFAULT_REST_URL);
            String bootstrap = env.getOrDefault(ConnectWorkerConfig.BOOTSTRAP_SERVERS, ConnectWorkerConfig.DEFAULT_BOOTSTRAP_SERVERS);
            String feed = env.getOrDefault(FEED, DEFAULT_FEED);
            out.printf("backfill %s bars of %s from %s to %s: %s -> %s (%s), header source=backfill%n",
                    tf.label(), String.join(",", symbols), s, e, url, topic, bootstrap);
            if (!yes) {
                out.println("dry run: pass --yes to fetch and produce (existing bars of those minutes will be replaced downstream)");
                return 0;
            }
            Map<String, Object> props = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 20,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            BarsBackfill backfill = new BarsBackfill(URI.create(url), env.getOrDefault(API_KEY, DEFAULT_KEY),
                    env.getOrDefault(API_SECRET, DEFAULT_KEY), feed, limit, out);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                BarsBackfill.Summary sum = backfill.run(symbols, s, e, tf, topic, producer);
                out.printf("backfill done: %d bar(s) in %d page(s), %d retry(ies), %.1f s%n",
                        sum.bars(), sum.pages(), sum.retries(), sum.took().toMillis() / 1000.0);
            }
            return 0;
        }
    }
}
