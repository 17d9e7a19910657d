package dev.stockpipe.streams.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stockpipe.model.Bar;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.streams.bars.BarProcessor;
import dev.stockpipe.streams.metrics.PipelineCounters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP (JDK server, no framework). Keyed queries go to the instance that owns
 * the symbol's partition ({@code queryMetadataForKey}); this instance forwards them there once. While
 * the group is rebalancing, or the owner is unknown or unreachable, the answer is 503 with
 * {@code Retry-After} rather than stale or missing data.
 *
 * <pre>
 * GET /health                       200 {"status":"UP"} while RUNNING or REBALANCING, else 503
 * GET /metrics                      Prometheus text
 * GET /counters                     this instance's counters (duplicates, rejects by reason, ...)
 * GET /trades/{symbol}/latest       the latest trade (by trade_ts) of the symbol, 404 if none
 * GET /bars/{symbol}/latest         the latest minute bar, 404 if none
 * GET /bars/{symbol}/range?start=&end=&timeframe=1Min|1Day&limit=500   bars with start <= bar_ts < end
 * </pre>
 * The query server starts before Kafka Streams (so port 0 can be resolved for application.server); until
 * {@link #attach} is called every data query answers 503.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    /** Marks a forwarded request, so that it is never forwarded again (no loops during rebalances). */
    public static final String FORWARDED_HEADER = "X-Stockpipe-Forwarded";
    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 10_000;
    private static final String RETRY_AFTER_SECONDS = "1";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final PipelineCounters counters;
    private final Supplier<String> metrics;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    public QueryServer(String bindHost, int port, PipelineCounters counters, PrometheusMeterRegistry registry) throws IOException {
        this.counters = counters;
        this.metrics = registry::scrape;
        this.server = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "iq-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("interactive-query server listening on {}:{}", bindHost, port());
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Connects the server to the running instance and its advertised address. */
    public void attach(KafkaStreams streams, HostInfo self) {
        this.self = self;
        this.streams = streams;
    }

    private void handle(HttpExchange ex) throws IOException {
        // Not try-with-resources: the exchange must still be open in the catch blocks that answer errors.
        try {
            route(ex);
        } catch (BadRequest e) {
            problem(ex, 400, "bad request", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", ex.getRequestURI(), e);
            problem(ex, 500, "internal error", e.toString());
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        {
            if (!"GET".equals(ex.getRequestMethod())) {
                problem(ex, 405, "method not allowed", "only GET is supported");
                return;
            }
            String path = ex.getRequestURI().getPath();
            List<String> seg = segments(path);
            if (path.equals("/health")) {
                health(ex);
            } else if (path.equals("/metrics")) {
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            } else if (path.equals("/counters")) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("instance", self == null ? null : self.host() + ":" + self.port());
                body.putAll(counters.snapshot());
                json(ex, 200, body);
            } else if (seg.size() == 3 && seg.get(0).equals("trades") && seg.get(2).equals("latest")) {
                keyed(ex, seg.get(1), Stores.LATEST_TRADE, () -> latestTrade(seg.get(1)));
            } else if (seg.size() == 3 && seg.get(0).equals("bars") && seg.get(2).equals("latest")) {
                keyed(ex, seg.get(1), Stores.LATEST_BAR, () -> latestBar(seg.get(1)));
            } else if (seg.size() == 3 && seg.get(0).equals("bars") && seg.get(2).equals("range")) {
                Map<String, String> q = query(ex.getRequestURI().getRawQuery());
                RangeQuery rq = RangeQuery.parse(q);
                keyed(ex, seg.get(1), Stores.BARS, () -> range(seg.get(1), rq));
            } else {
                problem(ex, 404, "not found", "no endpoint " + path);
            }
        }
    }

    private void health(HttpExchange ex) throws IOException {
        KafkaStreams s = streams;
        KafkaStreams.State state = s == null ? null : s.state();
        boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", state == null ? "STARTING" : state.name());
        json(ex, up ? 200 : 503, body);
    }

    /** What a local store lookup found: a body, or nothing (404). */
    private record Answer(Object body) {}

    private void keyed(HttpExchange ex, String symbol, String store, Supplier<Answer> local) throws IOException {
        if (!AlpacaParser.SYMBOL.matcher(symbol).matches()) {
            throw new BadRequest("'" + symbol + "' is not a symbol");
        }
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            unavailable(ex, "the instance is " + (s == null ? "starting" : s.state().name().toLowerCase()));
            return;
        }
        KeyQueryMetadata md = s.queryMetadataForKey(store, symbol, Serdes.String().serializer());
        if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null) {
            unavailable(ex, "no owner known for " + symbol + " yet");
            return;
        }
        if (md.activeHost().equals(self)) {
            Answer a;
            try {
                a = local.get();
            } catch (InvalidStateStoreException e) {
                unavailable(ex, "store " + store + " is migrating: " + e.getMessage());
                return;
            }
            if (a.body() == null) {
                problem(ex, 404, "not found", "no data for " + symbol);
            } else {
                json(ex, 200, a.body());
            }
            return;
        }
        if (ex.getRequestHeaders().getFirst(FORWARDED_HEADER) != null) {
            unavailable(ex, "ownership of " + symbol + " is moving");
            return;
        }
        forward(ex, md.activeHost());
    }

    private Answer latestTrade(String symbol) {
        ReadOnlyKeyValueStore<String, Trade> store = streams.store(
                StoreQueryParameters.fromNameAndType(Stores.LATEST_TRADE, QueryableStoreTypes.<String, Trade>keyValueStore()));
        return new Answer(store.get(symbol));
    }

    private Answer latestBar(String symbol) {
        ReadOnlyKeyValueStore<String, Bar> store = streams.store(
                StoreQueryParameters.fromNameAndType(Stores.LATEST_BAR, QueryableStoreTypes.<String, Bar>keyValueStore()));
        return new Answer(store.get(symbol));
    }

    private Answer range(String symbol, RangeQuery q) {
        ReadOnlyWindowStore<String, Bar> store = streams.store(
                StoreQueryParameters.fromNameAndType(Stores.BARS, QueryableStoreTypes.<String, Bar>windowStore()));
        List<Bar> out = new ArrayList<>();
        String key = BarProcessor.seriesKey(symbol, q.timeframe());
        // end is exclusive; the store's bounds are inclusive.
        try (WindowStoreIterator<Bar> it = store.fetch(key, q.start(), q.end().minusMillis(1))) {
            while (it.hasNext() && out.size() < q.limit()) {
                KeyValue<Long, Bar> kv = it.next();
                out.add(kv.value);
            }
        }
        return new Answer(out);
    }

    private void forward(HttpExchange ex, HostInfo owner) throws IOException {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header(FORWARDED_HEADER, "1").GET().build();
        try {
            HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            resp.headers().firstValue("Retry-After").ifPresent(v -> ex.getResponseHeaders().set("Retry-After", v));
            ex.getResponseHeaders().set("Content-Type", resp.headers().firstValue("Content-Type").orElse("application/json"));
            ex.getResponseHeaders().set("X-Stockpipe-Served-By", owner.host() + ":" + owner.port());
            ex.sendResponseHeaders(resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
            if (resp.body().length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(resp.body());
                }
            }
        } catch (IOException e) {
            unavailable(ex, "owner " + owner.host() + ":" + owner.port() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(ex, "interrupted");
        }
    }

    // ------------------------------------------------------------------ parameters

    /** {@code start} inclusive, {@code end} exclusive (RFC 3339 or YYYY-MM-DD = New York midnight). */
    record RangeQuery(Instant start, Instant end, Timeframe timeframe, int limit) {
        static RangeQuery parse(Map<String, String> q) {
            String tfText = q.getOrDefault("timeframe", Timeframe.MIN_1.label());
            Timeframe tf = Timeframe.parse(tfText).orElse(null);
            if (tf != Timeframe.MIN_1 && tf != Timeframe.DAY_1) {
                throw new BadRequest("timeframe must be 1Min or 1Day here (the stored ones), got '" + tfText + "'");
            }
            Instant end = q.containsKey("end") ? time("end", q.get("end")) : Instant.now();
            Instant start = q.containsKey("start") ? time("start", q.get("start")) : end.minus(Duration.ofHours(1));
            if (!start.isBefore(end)) {
                throw new BadRequest("start must be before end");
            }
            int limit = DEFAULT_LIMIT;
            if (q.containsKey("limit")) {
                try {
                    limit = Integer.parseInt(q.get("limit"));
                } catch (NumberFormatException e) {
                    throw new BadRequest("limit must be an integer");
                }
                if (limit < 1 || limit > MAX_LIMIT) {
                    throw new BadRequest("limit must be in 1.." + MAX_LIMIT);
                }
            }
            return new RangeQuery(start, end, tf, limit);
        }

        private static Instant time(String name, String v) {
            try {
                if (v.length() == 10) {
                    return MarketTime.startOfDay(LocalDate.parse(v));
                }
                return MarketTime.parseInstant(v);
            } catch (DateTimeException e) {
                throw new BadRequest(name + " must be RFC 3339 or YYYY-MM-DD, got '" + v + "'");
            }
        }
    }

    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    // ------------------------------------------------------------------ responses

    private static void unavailable(HttpExchange ex, String why) throws IOException {
        ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        problem(ex, 503, "unavailable", why);
    }

    private static void problem(HttpExchange ex, int status, String title, String detail) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        send(ex, status, "application/problem+json", write(p));
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", write(body));
    }

    private static String write(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
