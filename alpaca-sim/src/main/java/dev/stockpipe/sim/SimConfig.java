package dev.stockpipe.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The simulator's environment, read once in {@link SimulatorMain}. Every variable has a name constant,
 * a default and a one-line doc; {@link #fromEnv} reports every problem at once.
 */
public record SimConfig(String bindHost, int port, String key, String secret, long seed, List<String> symbols,
                        double tradesPerSecond, double correctionRate, double cancelRate, double lateRate,
                        double quoteRate, double speed, Plan plan, int connectionLimit, int outboundQueue,
                        int restRateLimit, Duration authTimeout, Duration retention) {

    /** Listen address of the one port. */
    public static final String BIND_HOST = "BIND_HOST";
    public static final String BIND_HOST_DEFAULT = "127.0.0.1";
    /** Port of the stream, REST and admin endpoints. */
    public static final String PORT = "ALPACA_SIM_PORT";
    public static final String PORT_DEFAULT = "8765";
    /** The only accepted key ID (402 otherwise). */
    public static final String KEY = "ALPACA_SIM_KEY";
    public static final String KEY_DEFAULT = "test";
    /** The only accepted secret. */
    public static final String SECRET = "ALPACA_SIM_SECRET";
    public static final String SECRET_DEFAULT = "test";
    /** Seed of the market model: the same seed replays the same market. */
    public static final String SEED = "ALPACA_SIM_SEED";
    public static final String SEED_DEFAULT = "42";
    /** Comma-separated symbols the market trades. */
    public static final String SYMBOLS = "ALPACA_SIM_SYMBOLS";
    public static final String SYMBOLS_DEFAULT = "AAPL,MSFT,GOOGL,AMZN,NVDA,SPY,FAKEPACA";
    /** Trades per second across all symbols; 0 = scripted only. */
    public static final String TRADES_PER_SECOND = "ALPACA_SIM_TRADES_PER_SECOND";
    public static final String TRADES_PER_SECOND_DEFAULT = "50";
    /** Fraction of trades corrected later. */
    public static final String CORRECTION_RATE = "ALPACA_SIM_CORRECTION_RATE";
    public static final String CORRECTION_RATE_DEFAULT = "0.005";
    /** Fraction of trades canceled later. */
    public static final String CANCEL_RATE = "ALPACA_SIM_CANCEL_RATE";
    public static final String CANCEL_RATE_DEFAULT = "0.005";
    /** Fraction of trades reported 1-10 s late (updated bars). */
    public static final String LATE_RATE = "ALPACA_SIM_LATE_RATE";
    public static final String LATE_RATE_DEFAULT = "0.002";
    /** Quotes per trade, 0..1. */
    public static final String QUOTE_RATE = "ALPACA_SIM_QUOTE_RATE";
    public static final String QUOTE_RATE_DEFAULT = "0.2";
    /** Model time runs this many times faster than the wall clock. */
    public static final String SPEED = "ALPACA_SIM_SPEED";
    public static final String SPEED_DEFAULT = "1";
    /** basic (iex/test/delayed_sip, 30 symbols, sip answers 409) or unlimited. */
    public static final String PLAN = "ALPACA_SIM_PLAN";
    public static final String PLAN_DEFAULT = "basic";
    /** Authenticated sessions per key and feed (406 beyond). */
    public static final String CONNECTION_LIMIT = "ALPACA_SIM_CONNECTION_LIMIT";
    public static final String CONNECTION_LIMIT_DEFAULT = "1";
    /** Messages queued per session before 407 slow client. */
    public static final String OUTBOUND_QUEUE = "ALPACA_SIM_OUTBOUND_QUEUE";
    public static final String OUTBOUND_QUEUE_DEFAULT = "100000";
    /** REST requests per key per minute before 429. */
    public static final String REST_RATE_LIMIT = "ALPACA_SIM_REST_RATE_LIMIT";
    public static final String REST_RATE_LIMIT_DEFAULT = "10000";
    /** Milliseconds a client has to authenticate (404 auth timeout). */
    public static final String AUTH_TIMEOUT_MS = "ALPACA_SIM_AUTH_TIMEOUT_MS";
    public static final String AUTH_TIMEOUT_MS_DEFAULT = "10000";
    /** Minutes of model time the ground truth keeps (memory bound). */
    public static final String RETENTION_MINUTES = "ALPACA_SIM_RETENTION_MINUTES";
    public static final String RETENTION_MINUTES_DEFAULT = "240";

    /** Every variable name, for the README check. */
    public static final List<String> VARIABLES = List.of(BIND_HOST, PORT, KEY, SECRET, SEED, SYMBOLS, TRADES_PER_SECOND,
            CORRECTION_RATE, CANCEL_RATE, LATE_RATE, QUOTE_RATE, SPEED, PLAN, CONNECTION_LIMIT, OUTBOUND_QUEUE,
            REST_RATE_LIMIT, AUTH_TIMEOUT_MS, RETENTION_MINUTES);

    public static SimConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String bind = r.get(BIND_HOST, BIND_HOST_DEFAULT, s -> s, "a host name or address");
        int port = r.get(PORT, PORT_DEFAULT, Integer::parseInt, "an integer 0..65535", v -> v >= 0 && v <= 65535);
        String key = r.get(KEY, KEY_DEFAULT, s -> s, "a non-empty string", v -> !v.isEmpty());
        String secret = r.get(SECRET, SECRET_DEFAULT, s -> s, "a non-empty string", v -> !v.isEmpty());
        long seed = r.get(SEED, SEED_DEFAULT, Long::parseLong, "an integer");
        List<String> symbols = r.get(SYMBOLS, SYMBOLS_DEFAULT,
                s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList(),
                "comma-separated symbols", v -> !v.isEmpty() && v.stream().allMatch(x -> dev.stockpipe.model.alpaca.AlpacaParser.SYMBOL.matcher(x).matches()));
        double tps = r.get(TRADES_PER_SECOND, TRADES_PER_SECOND_DEFAULT, Double::parseDouble, "a number >= 0", v -> v >= 0);
        double corr = r.get(CORRECTION_RATE, CORRECTION_RATE_DEFAULT, Double::parseDouble, "a fraction 0..1", SimConfig::fraction);
        double cancel = r.get(CANCEL_RATE, CANCEL_RATE_DEFAULT, Double::parseDouble, "a fraction 0..1", SimConfig::fraction);
        double late = r.get(LATE_RATE, LATE_RATE_DEFAULT, Double::parseDouble, "a fraction 0..1", SimConfig::fraction);
        double quote = r.get(QUOTE_RATE, QUOTE_RATE_DEFAULT, Double::parseDouble, "a fraction 0..1", SimConfig::fraction);
        double speed = r.get(SPEED, SPEED_DEFAULT, Double::parseDouble, "a number > 0", v -> v > 0);
        Plan plan = r.get(PLAN, PLAN_DEFAULT, Plan::parse, "basic or unlimited");
        int conns = r.get(CONNECTION_LIMIT, CONNECTION_LIMIT_DEFAULT, Integer::parseInt, "an integer >= 1", v -> v >= 1);
        int queue = r.get(OUTBOUND_QUEUE, OUTBOUND_QUEUE_DEFAULT, Integer::parseInt, "an integer >= 1", v -> v >= 1);
        int rest = r.get(REST_RATE_LIMIT, REST_RATE_LIMIT_DEFAULT, Integer::parseInt, "an integer >= 1", v -> v >= 1);
        long authMs = r.get(AUTH_TIMEOUT_MS, AUTH_TIMEOUT_MS_DEFAULT, Long::parseLong, "milliseconds >= 1", v -> v >= 1);
        long retention = r.get(RETENTION_MINUTES, RETENTION_MINUTES_DEFAULT, Long::parseLong, "minutes >= 0", v -> v >= 0);
        if (corr + cancel > 1) {
            r.problems.add(CORRECTION_RATE + " + " + CANCEL_RATE + " = " + (corr + cancel) + " must not exceed 1");
        }
        if (!r.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", r.problems));
        }
        return new SimConfig(bind, port, key, secret, seed, symbols, tps, corr, cancel, late, quote, speed, plan, conns,
                queue, rest, Duration.ofMillis(authMs), Duration.ofMinutes(retention));
    }

    /** The builder these settings describe. */
    public AlpacaSimulator.Builder builder() {
        return AlpacaSimulator.builder().bindHost(bindHost).port(port).credentials(key, secret).seed(seed).symbols(symbols)
                .tradesPerSecond(tradesPerSecond).correctionRate(correctionRate).cancelRate(cancelRate).lateRate(lateRate)
                .quoteRate(quoteRate).speed(speed).plan(plan).connectionLimit(connectionLimit)
                .outboundQueueCapacity(outboundQueue).restRateLimitPerMinute(restRateLimit).authTimeout(authTimeout)
                .retention(retention);
    }

    /** The settings with the secret masked, for the startup log. */
    @Override
    public String toString() {
        return "SimConfig[bindHost=" + bindHost + ", port=" + port + ", key=" + key + ", secret=****, seed=" + seed
                + ", symbols=" + symbols + ", tradesPerSecond=" + tradesPerSecond + ", correctionRate=" + correctionRate
                + ", cancelRate=" + cancelRate + ", lateRate=" + lateRate + ", quoteRate=" + quoteRate + ", speed=" + speed
                + ", plan=" + plan + ", connectionLimit=" + connectionLimit + ", outboundQueue=" + outboundQueue
                + ", restRateLimit=" + restRateLimit + ", authTimeout=" + authTimeout + ", retention=" + retention + "]";
    }

    private static boolean fraction(double v) {
        return v >= 0 && v <= 1;
    }

    private static final class Reader {
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        <T> T get(String name, String dflt, Function<String, T> parse, String rule) {
            return get(name, dflt, parse, rule, v -> true);
        }

        <T> T get(String name, String dflt, Function<String, T> parse, String rule, java.util.function.Predicate<T> ok) {
            String raw = env.getOrDefault(name, dflt);
            String shown = name.equals(SECRET) ? "****" : raw;
            try {
                T v = parse.apply(raw.trim());
                if (ok.test(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                // reported below with the rule
            }
            problems.add(name + "=" + shown + " is not " + rule);
            return parse.apply(dflt);
        }
    }
}
