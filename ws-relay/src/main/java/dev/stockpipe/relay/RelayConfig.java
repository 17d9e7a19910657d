package dev.stockpipe.relay;

import dev.stockpipe.model.Channels;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything ws-relay reads from the environment, read once in {@link Application#main}. Each variable has a
 * name constant, a default and a one-line doc ({@link #DOCS}, which the README mirrors); {@link #fromEnv}
 * reports every problem at once.
 */
public record RelayConfig(
        String bindHost,
        int port,
        String redisHost,
        int redisPort,
        String redisChannel,
        URI barsApiUrl,
        Duration proxyTimeout,
        int maxSymbolsPerClient,
        int maxMessageBytes,
        int maxClientMessagesPerSecond,
        int floodCloseMessagesPerSecond,
        int clientQueueSize,
        int clientInFlight,
        Duration maxConflation,
        int maxClients,
        Set<String> allowedOrigins,
        Duration sioPingInterval,
        Duration sioPingTimeout,
        int sioMaxPayload) {

    public static final String BIND_HOST = "BIND_HOST";
    public static final String BIND_HOST_DEFAULT = "127.0.0.1";
    public static final String RELAY_PORT = "RELAY_PORT";
    public static final int RELAY_PORT_DEFAULT = 5000;
    public static final String REDIS_HOST = "REDIS_HOST";
    public static final String REDIS_HOST_DEFAULT = "127.0.0.1";
    public static final String REDIS_PORT = "REDIS_PORT";
    public static final int REDIS_PORT_DEFAULT = 6379;
    public static final String REDIS_CHANNEL_TRADES = "REDIS_CHANNEL_TRADES";
    public static final String REDIS_CHANNEL_TRADES_DEFAULT = Channels.TRADES;
    public static final String BARS_API_URL = "BARS_API_URL";
    public static final String BARS_API_URL_DEFAULT = "http://127.0.0.1:8000";
    public static final String RELAY_PROXY_TIMEOUT_MS = "RELAY_PROXY_TIMEOUT_MS";
    public static final int RELAY_PROXY_TIMEOUT_MS_DEFAULT = 5000;
    public static final String RELAY_MAX_SYMBOLS = "RELAY_MAX_SYMBOLS";
    public static final int RELAY_MAX_SYMBOLS_DEFAULT = 500;
    public static final String RELAY_MAX_MESSAGE_BYTES = "RELAY_MAX_MESSAGE_BYTES";
    public static final int RELAY_MAX_MESSAGE_BYTES_DEFAULT = 16384;
    /** Frames above this are refused by Netty itself (close 1009); RELAY_MAX_MESSAGE_BYTES must not exceed it. */
    public static final int HARD_MAX_FRAME_BYTES = 1 << 20;
    public static final String RELAY_MAX_CLIENT_MSGS_PER_SEC = "RELAY_MAX_CLIENT_MSGS_PER_SEC";
    public static final int RELAY_MAX_CLIENT_MSGS_PER_SEC_DEFAULT = 20;
    public static final String RELAY_FLOOD_CLOSE_MSGS_PER_SEC = "RELAY_FLOOD_CLOSE_MSGS_PER_SEC";
    public static final int RELAY_FLOOD_CLOSE_MSGS_PER_SEC_DEFAULT = 100;
    public static final String RELAY_CLIENT_QUEUE = "RELAY_CLIENT_QUEUE";
    public static final int RELAY_CLIENT_QUEUE_DEFAULT = 1024;
    public static final String RELAY_CLIENT_IN_FLIGHT = "RELAY_CLIENT_IN_FLIGHT";
    public static final int RELAY_CLIENT_IN_FLIGHT_DEFAULT = 256;
    public static final String RELAY_MAX_CONFLATION_MS = "RELAY_MAX_CONFLATION_MS";
    public static final int RELAY_MAX_CONFLATION_MS_DEFAULT = 10_000;
    public static final String RELAY_MAX_CLIENTS = "RELAY_MAX_CLIENTS";
    public static final int RELAY_MAX_CLIENTS_DEFAULT = 5000;
    public static final String RELAY_ALLOWED_ORIGINS = "RELAY_ALLOWED_ORIGINS";
    public static final String RELAY_ALLOWED_ORIGINS_DEFAULT = "*";
    public static final String RELAY_SIO_PING_INTERVAL_MS = "RELAY_SIO_PING_INTERVAL_MS";
    public static final int RELAY_SIO_PING_INTERVAL_MS_DEFAULT = 25_000;
    public static final String RELAY_SIO_PING_TIMEOUT_MS = "RELAY_SIO_PING_TIMEOUT_MS";
    public static final int RELAY_SIO_PING_TIMEOUT_MS_DEFAULT = 20_000;
    public static final String RELAY_SIO_MAX_PAYLOAD = "RELAY_SIO_MAX_PAYLOAD";
    public static final int RELAY_SIO_MAX_PAYLOAD_DEFAULT = 100_000;

    /** Variable → one-line doc with its default. */
    public static final Map<String, String> DOCS = docs();

    private static Map<String, String> docs() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BIND_HOST, "address every listening socket binds (default " + BIND_HOST_DEFAULT + ")");
        d.put(RELAY_PORT, "HTTP + WebSocket port (default " + RELAY_PORT_DEFAULT + "; 0 = any free port)");
        d.put(REDIS_HOST, "Redis host (default " + REDIS_HOST_DEFAULT + ")");
        d.put(REDIS_PORT, "Redis port (default " + REDIS_PORT_DEFAULT + ")");
        d.put(REDIS_CHANNEL_TRADES, "Pub/Sub channel of live events (default " + REDIS_CHANNEL_TRADES_DEFAULT + ")");
        d.put(BARS_API_URL, "bars-query-service base URL behind /api/bars (default " + BARS_API_URL_DEFAULT + ")");
        d.put(RELAY_PROXY_TIMEOUT_MS, "upstream timeout of the bars proxy, then 504 (default " + RELAY_PROXY_TIMEOUT_MS_DEFAULT + ")");
        d.put(RELAY_MAX_SYMBOLS, "max symbols one client may subscribe (default " + RELAY_MAX_SYMBOLS_DEFAULT + ")");
        d.put(RELAY_MAX_MESSAGE_BYTES, "max size of a client message, else an error event (default " + RELAY_MAX_MESSAGE_BYTES_DEFAULT + ")");
        d.put(RELAY_MAX_CLIENT_MSGS_PER_SEC, "client messages per second before error events (default " + RELAY_MAX_CLIENT_MSGS_PER_SEC_DEFAULT + ")");
        d.put(RELAY_FLOOD_CLOSE_MSGS_PER_SEC, "client messages per second that close the connection (default " + RELAY_FLOOD_CLOSE_MSGS_PER_SEC_DEFAULT + ")");
        d.put(RELAY_CLIENT_QUEUE, "events queued per client before conflation starts (default " + RELAY_CLIENT_QUEUE_DEFAULT + ")");
        d.put(RELAY_CLIENT_IN_FLIGHT, "frames written to a socket but not yet flushed, per client (default " + RELAY_CLIENT_IN_FLIGHT_DEFAULT + ")");
        d.put(RELAY_MAX_CONFLATION_MS, "a client conflating longer than this is closed as too slow (default " + RELAY_MAX_CONFLATION_MS_DEFAULT + ")");
        d.put(RELAY_MAX_CLIENTS, "WebSocket clients at once; more are refused (default " + RELAY_MAX_CLIENTS_DEFAULT + ")");
        d.put(RELAY_ALLOWED_ORIGINS, "comma list of allowed browser Origins, * = any (default " + RELAY_ALLOWED_ORIGINS_DEFAULT + ")");
        d.put(RELAY_SIO_PING_INTERVAL_MS, "Socket.IO (Engine.IO) ping interval (default " + RELAY_SIO_PING_INTERVAL_MS_DEFAULT + ")");
        d.put(RELAY_SIO_PING_TIMEOUT_MS, "Socket.IO session closed when a ping is not answered within this (default " + RELAY_SIO_PING_TIMEOUT_MS_DEFAULT + ")");
        d.put(RELAY_SIO_MAX_PAYLOAD, "max bytes of one Socket.IO polling POST or packet from a client (default " + RELAY_SIO_MAX_PAYLOAD_DEFAULT + ")");
        return Map.copyOf(d);
    }

    public RelayConfig {
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    public static RelayConfig defaults() {
        return fromEnv(Map.of());
    }

    /** Reads and validates the environment; throws one {@link IllegalArgumentException} naming every problem. */
    public static RelayConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String bindHost = r.string(BIND_HOST, BIND_HOST_DEFAULT);
        int port = r.integer(RELAY_PORT, RELAY_PORT_DEFAULT, 0, 65535);
        String redisHost = r.string(REDIS_HOST, REDIS_HOST_DEFAULT);
        int redisPort = r.integer(REDIS_PORT, REDIS_PORT_DEFAULT, 1, 65535);
        String channel = r.string(REDIS_CHANNEL_TRADES, REDIS_CHANNEL_TRADES_DEFAULT);
        URI bars = r.parse(BARS_API_URL, BARS_API_URL_DEFAULT, s -> {
            URI u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("must be an http(s) URL with a host");
            }
            return u;
        }, URI.create(BARS_API_URL_DEFAULT));
        int timeoutMs = r.integer(RELAY_PROXY_TIMEOUT_MS, RELAY_PROXY_TIMEOUT_MS_DEFAULT, 1, 600_000);
        int maxSymbols = r.integer(RELAY_MAX_SYMBOLS, RELAY_MAX_SYMBOLS_DEFAULT, 1, 100_000);
        int maxBytes = r.integer(RELAY_MAX_MESSAGE_BYTES, RELAY_MAX_MESSAGE_BYTES_DEFAULT, 64, HARD_MAX_FRAME_BYTES);
        int rate = r.integer(RELAY_MAX_CLIENT_MSGS_PER_SEC, RELAY_MAX_CLIENT_MSGS_PER_SEC_DEFAULT, 1, 1_000_000);
        int flood = r.integer(RELAY_FLOOD_CLOSE_MSGS_PER_SEC, RELAY_FLOOD_CLOSE_MSGS_PER_SEC_DEFAULT, 1, 1_000_000);
        int queue = r.integer(RELAY_CLIENT_QUEUE, RELAY_CLIENT_QUEUE_DEFAULT, 1, 1_000_000);
        int inFlight = r.integer(RELAY_CLIENT_IN_FLIGHT, RELAY_CLIENT_IN_FLIGHT_DEFAULT, 1, 100_000);
        int conflationMs = r.integer(RELAY_MAX_CONFLATION_MS, RELAY_MAX_CONFLATION_MS_DEFAULT, 1, 3_600_000);
        int maxClients = r.integer(RELAY_MAX_CLIENTS, RELAY_MAX_CLIENTS_DEFAULT, 1, 1_000_000);
        String origins = r.string(RELAY_ALLOWED_ORIGINS, RELAY_ALLOWED_ORIGINS_DEFAULT);
        int pingInterval = r.integer(RELAY_SIO_PING_INTERVAL_MS, RELAY_SIO_PING_INTERVAL_MS_DEFAULT, 100, 3_600_000);
        int pingTimeout = r.integer(RELAY_SIO_PING_TIMEOUT_MS, RELAY_SIO_PING_TIMEOUT_MS_DEFAULT, 100, 3_600_000);
        int maxPayload = r.integer(RELAY_SIO_MAX_PAYLOAD, RELAY_SIO_MAX_PAYLOAD_DEFAULT, 1024, HARD_MAX_FRAME_BYTES);
        if (flood < rate) {
            r.problems.add(RELAY_FLOOD_CLOSE_MSGS_PER_SEC + "=" + flood + " < " + RELAY_MAX_CLIENT_MSGS_PER_SEC + "=" + rate);
        }
        if (!r.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid ws-relay configuration: " + String.join("; ", r.problems));
        }
        Set<String> allowed = Set.of(origins.split("\\s*,\\s*"));
        return new RelayConfig(bindHost, port, redisHost, redisPort, channel, bars, Duration.ofMillis(timeoutMs),
                maxSymbols, maxBytes, rate, flood, queue, inFlight, Duration.ofMillis(conflationMs), maxClients,
                allowed, Duration.ofMillis(pingInterval), Duration.ofMillis(pingTimeout), maxPayload);
    }

    /** The hash holding the latest trade per symbol, for snapshots on subscribe. */
    public String latestTradesHash() {
        return Channels.latestTradesHashFor(redisChannel);
    }

    public boolean originAllowed(String origin) {
        // Non-browser clients send no Origin; the check protects browsers from cross-site pages.
        return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
    }

    /** A copy with another port (tests use 0 for a free port). */
    public RelayConfig withPort(int newPort) {
        return new RelayConfig(bindHost, newPort, redisHost, redisPort, redisChannel, barsApiUrl, proxyTimeout,
                maxSymbolsPerClient, maxMessageBytes, maxClientMessagesPerSecond, floodCloseMessagesPerSecond,
                clientQueueSize, clientInFlight, maxConflation, maxClients, allowedOrigins, sioPingInterval,
                sioPingTimeout, sioMaxPayload);
    }

    private static final class Reader {
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String string(String name, String def) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return def;
            }
            return v.trim();
        }

        int integer(String name, int def, int min, int max) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return def;
            }
            try {
                int i = Integer.parseInt(v.trim());
                if (i < min || i > max) {
                    problems.add(name + "=" + v + " is outside " + min + ".." + max);
                    return def;
                }
                return i;
            } catch (NumberFormatException e) {
                problems.add(name + "=" + v + " is not an integer");
                return def;
            }
        }

        <T> T parse(String name, String def, Function<String, T> f, T fallback) {
            String v = string(name, def);
            try {
                return f.apply(v);
            } catch (RuntimeException e) {
                problems.add(name + "=" + v + " " + e.getMessage());
                return fallback;
            }
        }
    }
}
