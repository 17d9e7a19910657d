package dev.stockpipe.ingest;

import dev.stockpipe.ingest.alpaca.Encoding;
import dev.stockpipe.model.Channels;
import dev.stockpipe.model.Topics;
import dev.stockpipe.model.alpaca.AlpacaParser;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything ingest-bridge reads from the environment, read once in {@code main}. Each variable has a name
 * constant, a default and a one-line doc ({@link #VARIABLES}); {@link #fromEnv} reports every problem at once.
 */
public record IngestConfig(
        String apiKey,
        String apiSecret,
        boolean simulatorCredentials,
        URI streamUrl,
        URI restUrl,
        String feed,
        Encoding encoding,
        List<String> symbols,
        String kafkaBootstrapServers,
        String tradesRawTopic,
        String barsRawTopic,
        long kafkaBufferBytes,
        int kafkaBatchBytes,
        Duration kafkaDeliveryTimeout,
        String redisHost,
        int redisPort,
        String redisChannel,
        int redisMaxInFlight,
        String bindHost,
        int httpPort,
        Duration pingInterval,
        Duration pongTimeout,
        Duration silenceTimeout,
        Duration handshakeTimeout,
        Duration reconnectBase,
        Duration reconnectMax,
        Duration limitWait,
        boolean backfillEnabled,
        Duration backfillOverlap,
        int backfillPageLimit,
        Duration backfillBarsRecheck,
        Duration startupBackfillMax) {

    /** One environment variable: name, default ("" = unset) and what it does. */
    public record Var(String name, String defaultValue, String doc) {}

    public static final String ALPACA_API_KEY = "ALPACA_API_KEY";
    public static final String ALPACA_API_SECRET = "ALPACA_API_SECRET";
    public static final String ALPACA_SIM_KEY = "ALPACA_SIM_KEY";
    public static final String ALPACA_SIM_SECRET = "ALPACA_SIM_SECRET";
    public static final String ALPACA_DATA_WS_URL = "ALPACA_DATA_WS_URL";
    public static final String ALPACA_DATA_REST_URL = "ALPACA_DATA_REST_URL";
    public static final String ALPACA_FEED = "ALPACA_FEED";
    public static final String ALPACA_STREAM_ENCODING = "ALPACA_STREAM_ENCODING";
    public static final String SUBSCRIBED_SYMBOLS = "SUBSCRIBED_SYMBOLS";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String INGEST_TOPIC_TRADES_RAW = "INGEST_TOPIC_TRADES_RAW";
    public static final String INGEST_TOPIC_BARS_RAW = "INGEST_TOPIC_BARS_RAW";
    public static final String INGEST_KAFKA_BUFFER_BYTES = "INGEST_KAFKA_BUFFER_BYTES";
    public static final String INGEST_KAFKA_BATCH_BYTES = "INGEST_KAFKA_BATCH_BYTES";
    public static final String INGEST_KAFKA_DELIVERY_TIMEOUT = "INGEST_KAFKA_DELIVERY_TIMEOUT";
    public static final String REDIS_HOST = "REDIS_HOST";
    public static final String REDIS_PORT = "REDIS_PORT";
    public static final String REDIS_CHANNEL_TRADES = "REDIS_CHANNEL_TRADES";
    public static final String INGEST_REDIS_MAX_IN_FLIGHT = "INGEST_REDIS_MAX_IN_FLIGHT";
    public static final String BIND_HOST = "BIND_HOST";
    public static final String INGEST_HTTP_PORT = "INGEST_HTTP_PORT";
    public static final String INGEST_PING_INTERVAL = "INGEST_PING_INTERVAL";
    public static final String INGEST_PONG_TIMEOUT = "INGEST_PONG_TIMEOUT";
    public static final String INGEST_SILENCE_TIMEOUT = "INGEST_SILENCE_TIMEOUT";
    public static final String INGEST_HANDSHAKE_TIMEOUT = "INGEST_HANDSHAKE_TIMEOUT";
    public static final String INGEST_RECONNECT_BASE = "INGEST_RECONNECT_BASE";
    public static final String INGEST_RECONNECT_MAX = "INGEST_RECONNECT_MAX";
    public static final String INGEST_LIMIT_WAIT = "INGEST_LIMIT_WAIT";
    public static final String INGEST_BACKFILL_ENABLED = "INGEST_BACKFILL_ENABLED";
    public static final String INGEST_BACKFILL_OVERLAP = "INGEST_BACKFILL_OVERLAP";
    public static final String INGEST_BACKFILL_PAGE_LIMIT = "INGEST_BACKFILL_PAGE_LIMIT";
    public static final String INGEST_BACKFILL_BARS_RECHECK = "INGEST_BACKFILL_BARS_RECHECK";
    public static final String INGEST_STARTUP_BACKFILL_MAX = "INGEST_STARTUP_BACKFILL_MAX";

    /** Every variable, in README order. */
    public static final List<Var> VARIABLES = List.of(
            new Var(ALPACA_API_KEY, "", "Alpaca key ID; when it and the secret are unset the simulator pair below is used"),
            new Var(ALPACA_API_SECRET, "", "Alpaca secret key (never logged)"),
            new Var(ALPACA_SIM_KEY, "test", "key sent to the local alpaca-sim when ALPACA_API_KEY is unset"),
            new Var(ALPACA_SIM_SECRET, "test", "secret sent to the local alpaca-sim when ALPACA_API_SECRET is unset"),
            new Var(ALPACA_DATA_WS_URL, "ws://127.0.0.1:8765/v2/iex", "market-data stream URL (default: the local alpaca-sim)"),
            new Var(ALPACA_DATA_REST_URL, "http://127.0.0.1:8765", "historical REST base URL used for gap backfill"),
            new Var(ALPACA_FEED, "iex", "feed name: sent as the REST feed parameter and the Kafka 'feed' header"),
            new Var(ALPACA_STREAM_ENCODING, "", "json or msgpack; unset = json for a loopback (simulator) URL, msgpack otherwise"),
            new Var(SUBSCRIBED_SYMBOLS, "AAPL,MSFT,GOOGL", "comma-separated symbols for trades, bars, updatedBars and dailyBars"),
            new Var(KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9092", "Kafka bootstrap servers"),
            new Var(INGEST_TOPIC_TRADES_RAW, Topics.TRADES_RAW_NAME, "raw topic for T = t, c, x (and messages with an unknown T)"),
            new Var(INGEST_TOPIC_BARS_RAW, Topics.BARS_RAW_NAME, "raw topic for T = b, u, d"),
            new Var(INGEST_KAFKA_BUFFER_BYTES, "33554432", "producer buffer; when full, the stream reader waits (backpressure)"),
            new Var(INGEST_KAFKA_BATCH_BYTES, "262144", "producer batch.size per partition (lz4-compressed batches, linger 5 ms)"),
            new Var(INGEST_KAFKA_DELIVERY_TIMEOUT, "10m", "how long a buffered record may wait for the broker before it counts as lost"),
            new Var(REDIS_HOST, "127.0.0.1", "Redis host for live events"),
            new Var(REDIS_PORT, "6379", "Redis port"),
            new Var(REDIS_CHANNEL_TRADES, Channels.TRADES, "Pub/Sub channel of live trade and bar events"),
            new Var(INGEST_REDIS_MAX_IN_FLIGHT, "20000", "unanswered Redis commands allowed before live events are dropped (counted)"),
            new Var(BIND_HOST, "127.0.0.1", "address the /health and /metrics server binds"),
            new Var(INGEST_HTTP_PORT, "8085", "port of /health and /metrics (0 = any free port)"),
            new Var(INGEST_PING_INTERVAL, "10s", "WebSocket ping interval"),
            new Var(INGEST_PONG_TIMEOUT, "5s", "a ping unanswered for this long marks the socket dead"),
            new Var(INGEST_SILENCE_TIMEOUT, "120s", "no frame for this long while subscribed (pongs do not count) marks the feed mute; 0 = off"),
            new Var(INGEST_HANDSHAKE_TIMEOUT, "10s", "connected + auth + subscription must complete within this"),
            new Var(INGEST_RECONNECT_BASE, "500ms", "first reconnect backoff (exponential, full jitter)"),
            new Var(INGEST_RECONNECT_MAX, "30s", "backoff cap"),
            new Var(INGEST_LIMIT_WAIT, "30s", "minimum wait after 406 connection limit or HTTP 429 at the upgrade"),
            new Var(INGEST_BACKFILL_ENABLED, "true", "fetch missed trades and minute bars from REST after a reconnect"),
            new Var(INGEST_BACKFILL_OVERLAP, "10s", "backfill starts this much before the last seen trade time: venues may report trades up to 10 s late"),
            new Var(INGEST_BACKFILL_PAGE_LIMIT, "10000", "REST page size (1..10000)"),
            new Var(INGEST_BACKFILL_BARS_RECHECK, "60s", "fetch a gap's minute bars again this long after it (bars settle after the next :30); 0 = off"),
            new Var(INGEST_STARTUP_BACKFILL_MAX, "1h", "at start-up, backfill what was missed while down (resume point read from the raw topics' tails), at most this far back; 0 = off"));

    public IngestConfig {
        symbols = List.copyOf(symbols);
    }

    /** The defaults, as if the environment were empty. */
    public static IngestConfig defaults() {
        return fromEnv(Map.of());
    }

    /** Reads and validates; throws {@link ConfigException} listing every problem. */
    public static IngestConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String key = r.raw(ALPACA_API_KEY);
        String secret = r.raw(ALPACA_API_SECRET);
        boolean sim = key.isEmpty() && secret.isEmpty();
        if (key.isEmpty() != secret.isEmpty()) {
            r.problem((key.isEmpty() ? ALPACA_API_KEY : ALPACA_API_SECRET) + " is unset but "
                    + (key.isEmpty() ? ALPACA_API_SECRET : ALPACA_API_KEY) + " is set: set both or neither");
        }
        if (sim) {
            key = r.string(ALPACA_SIM_KEY);
            secret = r.string(ALPACA_SIM_SECRET);
        }
        URI ws = r.uri(ALPACA_DATA_WS_URL, Set.of("ws", "wss"));
        URI rest = r.uri(ALPACA_DATA_REST_URL, Set.of("http", "https"));
        String feed = r.string(ALPACA_FEED);
        Encoding encoding;
        String enc = r.raw(ALPACA_STREAM_ENCODING).toLowerCase(Locale.ROOT);
        if (enc.isEmpty()) {
            encoding = ws != null && isLoopback(ws.getHost()) ? Encoding.JSON : Encoding.MSGPACK;
        } else if (enc.equals("json")) {
            encoding = Encoding.JSON;
        } else if (enc.equals("msgpack")) {
            encoding = Encoding.MSGPACK;
        } else {
            r.problem(ALPACA_STREAM_ENCODING + "=" + enc + ": must be json or msgpack");
            encoding = Encoding.JSON;
        }
        List<String> symbols = r.symbols(SUBSCRIBED_SYMBOLS);
        IngestConfig c = new IngestConfig(key, secret, sim, ws, rest, feed, encoding, symbols,
                r.string(KAFKA_BOOTSTRAP_SERVERS), r.string(INGEST_TOPIC_TRADES_RAW), r.string(INGEST_TOPIC_BARS_RAW),
                r.integer(INGEST_KAFKA_BUFFER_BYTES, 1 << 16, 1L << 31),
                (int) r.integer(INGEST_KAFKA_BATCH_BYTES, 1024, 16 << 20), r.duration(INGEST_KAFKA_DELIVERY_TIMEOUT, Duration.ofSeconds(35)),
                r.string(REDIS_HOST), (int) r.integer(REDIS_PORT, 1, 65535), r.string(REDIS_CHANNEL_TRADES),
                (int) r.integer(INGEST_REDIS_MAX_IN_FLIGHT, 1, 10_000_000),
                r.string(BIND_HOST), (int) r.integer(INGEST_HTTP_PORT, 0, 65535),
                r.duration(INGEST_PING_INTERVAL, Duration.ofMillis(50)), r.duration(INGEST_PONG_TIMEOUT, Duration.ofMillis(50)),
                r.duration(INGEST_SILENCE_TIMEOUT, Duration.ZERO), r.duration(INGEST_HANDSHAKE_TIMEOUT, Duration.ofMillis(100)),
                r.duration(INGEST_RECONNECT_BASE, Duration.ofMillis(1)), r.duration(INGEST_RECONNECT_MAX, Duration.ofMillis(1)),
                r.duration(INGEST_LIMIT_WAIT, Duration.ZERO),
                r.bool(INGEST_BACKFILL_ENABLED), r.duration(INGEST_BACKFILL_OVERLAP, Duration.ZERO),
                (int) r.integer(INGEST_BACKFILL_PAGE_LIMIT, 1, 10_000),
                r.duration(INGEST_BACKFILL_BARS_RECHECK, Duration.ZERO),
                r.duration(INGEST_STARTUP_BACKFILL_MAX, Duration.ZERO));
        if (c.reconnectBase != null && c.reconnectMax != null && c.reconnectBase.compareTo(c.reconnectMax) > 0) {
            r.problem(INGEST_RECONNECT_BASE + "=" + c.reconnectBase + " > " + INGEST_RECONNECT_MAX + "=" + c.reconnectMax);
        }
        r.throwIfProblems();
        return c;
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: a name lookup here would be network I/O at config time.
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** The same config with other values, for tests: {@code cfg.with(Map.of(REDIS_PORT, "1234"))}. */
    public static IngestConfig fromEnv(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> merged = new java.util.HashMap<>(base);
        merged.putAll(overrides);
        return fromEnv(merged);
    }

    @Override
    public String toString() {
        // Secrets stay out of logs: only whether a key is set and which kind.
        return "IngestConfig[credentials=" + (simulatorCredentials ? "simulator pair" : "ALPACA_API_KEY (set)")
                + ", streamUrl=" + streamUrl + ", restUrl=" + restUrl + ", feed=" + feed + ", encoding=" + encoding
                + ", symbols=" + symbols + ", kafka=" + kafkaBootstrapServers + ", topics=" + tradesRawTopic + "," + barsRawTopic
                + ", kafkaBufferBytes=" + kafkaBufferBytes + ", kafkaBatchBytes=" + kafkaBatchBytes + ", kafkaDeliveryTimeout=" + kafkaDeliveryTimeout
                + ", redis=" + redisHost + ":" + redisPort + ", channel=" + redisChannel + ", redisMaxInFlight=" + redisMaxInFlight
                + ", http=" + bindHost + ":" + httpPort + ", ping=" + pingInterval + "/" + pongTimeout
                + ", silenceTimeout=" + silenceTimeout + ", handshakeTimeout=" + handshakeTimeout
                + ", reconnect=" + reconnectBase + ".." + reconnectMax + ", limitWait=" + limitWait
                + ", backfill=" + backfillEnabled + " overlap=" + backfillOverlap + " pageLimit=" + backfillPageLimit
                + " barsRecheck=" + backfillBarsRecheck + " startupMax=" + startupBackfillMax + "]";
    }

    /** Collects problems instead of failing on the first one. */
    private static final class Reader {
        private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();
        private final Map<String, String> defaults = new java.util.HashMap<>();

        Reader(Map<String, String> env) {
            this.env = env;
            for (Var v : VARIABLES) {
                defaults.put(v.name(), v.defaultValue());
            }
        }

        void problem(String p) {
            problems.add(p);
        }

        String raw(String name) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                v = defaults.getOrDefault(name, "");
            }
            return v.trim();
        }

        String string(String name) {
            String v = raw(name);
            if (v.isEmpty()) {
                problem(name + " is empty");
            }
            return v;
        }

        URI uri(String name, Set<String> schemes) {
            String v = raw(name);
            try {
                URI u = new URI(v);
                if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT)) || u.getHost() == null) {
                    problem(name + "=" + v + ": must be an absolute " + String.join("/", schemes) + " URL with a host");
                    return null;
                }
                return u;
            } catch (java.net.URISyntaxException e) {
                problem(name + "=" + v + ": not a URL (" + e.getReason() + ")");
                return null;
            }
        }

        long integer(String name, long min, long max) {
            String v = raw(name);
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problem(name + "=" + v + ": must be in " + min + ".." + max);
                }
                return n;
            } catch (NumberFormatException e) {
                problem(name + "=" + v + ": not an integer");
                return min;
            }
        }

        boolean bool(String name) {
            String v = raw(name).toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("1") || v.equals("yes")) {
                return true;
            }
            if (v.equals("false") || v.equals("0") || v.equals("no")) {
                return false;
            }
            problem(name + "=" + v + ": must be true or false");
            return false;
        }

        Duration duration(String name, Duration min) {
            String v = raw(name).toLowerCase(Locale.ROOT);
            Matcher m = DURATION.matcher(v);
            if (!m.matches()) {
                problem(name + "=" + v + ": not a duration (e.g. 500ms, 10s, 2m)");
                return min;
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            Duration d = switch (unit) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMillis(n);
            };
            if (d.compareTo(min) < 0) {
                problem(name + "=" + v + ": must be at least " + min.toMillis() + "ms");
            }
            return d;
        }

        List<String> symbols(String name) {
            String v = raw(name);
            Set<String> out = new LinkedHashSet<>();
            for (String s : v.split(",")) {
                String sym = s.trim().toUpperCase(Locale.ROOT);
                if (sym.isEmpty()) {
                    continue;
                }
                if (!AlpacaParser.SYMBOL.matcher(sym).matches()) {
                    problem(name + ": '" + sym + "' is not a symbol (upper-case letters and digits, optional .B class)");
                }
                out.add(sym);
            }
            if (out.isEmpty()) {
                problem(name + " lists no symbol");
            }
            return new ArrayList<>(out);
        }

        void throwIfProblems() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }

    /** Every configuration problem found, one per line. */
    public static final class ConfigException extends IllegalArgumentException {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
