package dev.stockpipe.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Historical REST (reference §7, §12): {@code /v2/stocks/bars}, {@code /v2/stocks/{symbol}/bars},
 * {@code /v2/stocks/trades}, {@code /v2/stocks/{symbol}/trades}, answering from the ground truth.
 * Results are sorted by symbol, then time; {@code limit} counts all symbols of a page together; the page
 * token names the first row of the next page, so it advances with every page and never repeats.
 */
final class RestApi {
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    private static final Set<String> FEEDS = Set.of("sip", "iex", "boats", "otc", "delayed_sip");
    private static final Set<String> ADJUSTMENTS = Set.of("raw", "split", "dividend", "spin-off", "all");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final long SIP_DELAY = 15 * 60 * 1_000_000_000L;

    private final GroundTruth truth;
    private final ServerSettings settings;
    private final Faults faults;
    private final SimMetrics metrics;
    private final Clock modelClock;
    private final Clock wallClock;
    private final Map<String, long[]> windows = new HashMap<>();

    RestApi(GroundTruth truth, ServerSettings settings, Faults faults, SimMetrics metrics, Clock modelClock, Clock wallClock) {
        this.truth = truth;
        this.settings = settings;
        this.faults = faults;
        this.metrics = metrics;
        this.modelClock = modelClock;
        this.wallClock = wallClock;
    }

    /** A client error: status and Alpaca's message. */
    static final class RestError extends RuntimeException {
        final int status;

        RestError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record Row(String symbol, long t, long seq, Object value) {}

    private record Query(List<String> symbols, long start, long end, int limit, boolean desc, String pageToken) {}

    HttpReply handle(HttpCall c) {
        metrics.restRequests.increment();
        long resetAt = wallClock.instant().getEpochSecond() / 60 * 60 + 60;
        if (faults.takeRest429()) {
            return tooMany(1, resetAt);
        }
        String key = c.header("APCA-API-KEY-ID");
        String secret = c.header("APCA-API-SECRET-KEY");
        if (key == null || secret == null) {
            return HttpReply.error(401, "unauthorized.");
        }
        if (!key.equals(settings.key()) || !secret.equals(settings.secret())) {
            return HttpReply.error(403, "forbidden.");
        }
        int remaining = countRequest(key);
        if (remaining < 0) {
            return tooMany(Math.max(1, resetAt - wallClock.instant().getEpochSecond()), resetAt);
        }
        HttpReply reply;
        try {
            reply = route(c);
        } catch (RestError e) {
            reply = HttpReply.error(e.status, e.getMessage());
        }
        return reply.with("X-RateLimit-Limit", String.valueOf(settings.restRateLimitPerMinute()))
                .with("X-RateLimit-Remaining", String.valueOf(remaining))
                .with("X-RateLimit-Reset", String.valueOf(resetAt));
    }

    /** 429 with Retry-After and the X-RateLimit-* headers, which Alpaca's clients honour (§12.10). */
    private HttpReply tooMany(long retryAfterSeconds, long resetAt) {
        metrics.rest429.increment();
        return HttpReply.error(429, "too many requests.")
                .with("Retry-After", String.valueOf(retryAfterSeconds))
                .with("X-RateLimit-Limit", String.valueOf(settings.restRateLimitPerMinute()))
                .with("X-RateLimit-Remaining", "0")
                .with("X-RateLimit-Reset", String.valueOf(resetAt));
    }

    /** Counts a request in the key's current minute; returns what remains, or -1 when over the limit. */
    private synchronized int countRequest(String key) {
        long window = wallClock.instant().getEpochSecond() / 60;
        long[] w = windows.computeIfAbsent(key, k -> new long[2]);
        if (w[0] != window) {
            w[0] = window;
            w[1] = 0;
        }
        if (w[1] >= settings.restRateLimitPerMinute()) {
            return -1;
        }
        w[1]++;
        return (int) (settings.restRateLimitPerMinute() - w[1]);
    }

    private HttpReply route(HttpCall c) {
        if (!c.method().equals("GET")) {
            throw new RestError(405, "method not allowed");
        }
        String[] p = c.path().split("/");
        // "", "v2", "stocks", ("bars" | "trades") or ("{symbol}", "bars" | "trades")
        if (p.length == 4 && p[3].equals("bars")) {
            return bars(c, null);
        }
        if (p.length == 4 && p[3].equals("trades")) {
            return trades(c, null);
        }
        if (p.length == 5 && p[4].equals("bars")) {
            return bars(c, symbol(p[3]));
        }
        if (p.length == 5 && p[4].equals("trades")) {
            return trades(c, symbol(p[3]));
        }
        throw new RestError(404, "Not Found");
    }

    // ------------------------------------------------------------------ endpoints

    private HttpReply bars(HttpCall c, String single) {
        String tfText = c.param("timeframe");
        if (tfText == null || tfText.isEmpty()) {
            throw new RestError(400, "timeframe is required");
        }
        BarTimeframe tf;
        try {
            tf = BarTimeframe.parse(tfText);
        } catch (IllegalArgumentException e) {
            throw new RestError(400, e.getMessage());
        }
        String adj = c.param("adjustment");
        if (adj != null || c.repeated("adjustment")) {
            checkAdjustment(c, adj);
        }
        Query q = query(c, single);
        List<Row> rows = new ArrayList<>();
        for (String s : q.symbols()) {
            for (AlpacaBar b : barsOf(s, tf, q.start(), q.end())) {
                rows.add(new Row(s, GroundTruth.nanos(b.timestamp()), 0, b));
            }
        }
        return page(rows, q, single, "bars", this::writeBar);
    }

    private HttpReply trades(HttpCall c, String single) {
        Query q = query(c, single);
        List<Row> rows = new ArrayList<>();
        for (String s : q.symbols()) {
            for (SimTrade t : truth.tradesOf(s, q.start(), q.end())) {
                rows.add(new Row(s, GroundTruth.nanos(t.trade().timestamp()), t.seq(), t));
            }
        }
        return page(rows, q, single, "trades", this::writeTrade);
    }

    private List<AlpacaBar> barsOf(String symbol, BarTimeframe tf, long start, long end) {
        // Fetch from the start of the bucket holding start: only buckets starting in [start, end] are served, whole.
        NavigableMap<Long, BarAggregate> minutes = truth.closedMinutes(symbol, start, Long.MAX_VALUE / 2);
        TreeMap<Long, BarAggregate> buckets = new TreeMap<>();
        minutes.forEach((m, agg) -> {
            long b = tf.bucketOf(m);
            if (b >= start && b <= end) {
                buckets.computeIfAbsent(b, k -> new BarAggregate()).merge(agg);
            }
        });
        List<AlpacaBar> out = new ArrayList<>(buckets.size());
        buckets.forEach((b, agg) -> out.add(agg.toBar(AlpacaBar.Kind.MINUTE, symbol, GroundTruth.instant(b))));
        return out;
    }

    // ------------------------------------------------------------------ parameters

    private Query query(HttpCall c, String single) {
        List<String> symbols;
        if (single != null) {
            symbols = List.of(single);
        } else {
            String s = c.param("symbols");
            if (s == null || s.isBlank()) {
                throw new RestError(400, "missing symbols");
            }
            TreeSet<String> set = new TreeSet<>();
            for (String part : s.split(",")) {
                set.add(symbol(part.trim()));
            }
            symbols = new ArrayList<>(set);
        }
        long now = GroundTruth.nanos(modelClock.instant());
        String startText = c.param("start");
        String endText = c.param("end");
        long start = startText == null
                ? GroundTruth.nanos(MarketTime.startOfDay(MarketTime.tradeDate(modelClock.instant())))
                : time("start", startText, false);
        long end = endText == null ? now : time("end", endText, true);
        if (end < start) {
            throw new RestError(400, "end should not be before start");
        }
        int limit = DEFAULT_LIMIT;
        String l = c.param("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw new RestError(400, "Invalid format for parameter limit: error parsing '" + clip(l) + "' as int");
            }
            if (limit > MAX_LIMIT) {
                throw new RestError(400, "invalid limit: exceeds max limit of " + MAX_LIMIT);
            }
            if (limit < 1) {
                throw new RestError(400, "invalid limit: must be positive");
            }
        }
        String sort = c.param("sort");
        if (sort != null && !sort.equals("asc") && !sort.equals("desc")) {
            throw new RestError(400, "invalid sort: must be asc or desc");
        }
        String feed = c.param("feed");
        if (feed != null && !FEEDS.contains(feed)) {
            throw new RestError(400, "invalid feed: " + clip(feed));
        }
        if ("sip".equals(feed) && !settings.plan().allows("sip") && end > now - SIP_DELAY) {
            throw new RestError(403, "subscription does not permit querying recent SIP data");
        }
        String currency = c.param("currency");
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw new RestError(400, "invalid currency");
        }
        String asof = c.param("asof");
        if (asof != null && !asof.equals("-") && !DATE.matcher(asof).matches()) {
            throw new RestError(400, "invalid asof");
        }
        String token = c.param("page_token");
        if (token != null && token.isEmpty()) {
            token = null;
        }
        return new Query(symbols, start, end, limit, "desc".equals(sort), token);
    }

    private static void checkAdjustment(HttpCall c, String adj) {
        if (c.repeated("adjustment") || adj == null || adj.isEmpty()) {
            throw new RestError(400, "invalid adjustment");
        }
        Set<String> seen = new TreeSet<>();
        for (String a : adj.split(",", -1)) {
            if (!ADJUSTMENTS.contains(a) || !seen.add(a)) {
                throw new RestError(400, "invalid adjustment: " + clip(a));
            }
        }
    }

    private static String symbol(String s) {
        if (!AlpacaParser.SYMBOL.matcher(s).matches()) {
            throw new RestError(400, "invalid symbol: " + clip(s));
        }
        return s;
    }

    /** RFC 3339 (any precision or offset) or YYYY-MM-DD: New York midnight for start, the end of that day for end. */
    private static long time(String name, String text, boolean end) {
        try {
            if (DATE.matcher(text).matches()) {
                LocalDate d = LocalDate.parse(text);
                return end ? GroundTruth.nanos(MarketTime.startOfDay(d.plusDays(1))) - 1
                        : GroundTruth.nanos(MarketTime.startOfDay(d));
            }
            return GroundTruth.nanos(MarketTime.parseInstant(text));
        } catch (DateTimeException | ArithmeticException e) {
            throw new RestError(400, "Invalid format for parameter " + name + ": error parsing '" + clip(text)
                    + "' as RFC3339 or 2006-01-02 time");
        }
    }

    // ------------------------------------------------------------------ paging and writing

    private interface RowWriter {
        void write(JsonGenerator g, Row r) throws IOException;
    }

    private HttpReply page(List<Row> rows, Query q, String single, String field, RowWriter writer) {
        Comparator<Row> timeOrder = Comparator.<Row>comparingLong(Row::t).thenComparingLong(Row::seq);
        Comparator<Row> order = Comparator.comparing(Row::symbol).thenComparing(q.desc() ? timeOrder.reversed() : timeOrder);
        rows.sort(order);
        int from = 0;
        if (q.pageToken() != null) {
            Row probe = decodeToken(q.pageToken(), q.symbols());
            while (from < rows.size() && order.compare(rows.get(from), probe) < 0) {
                from++;
            }
        }
        int to = Math.min(rows.size(), from + q.limit());
        List<Row> page = rows.subList(from, to);
        String next = to < rows.size() ? encodeToken(rows.get(to)) : null;
        byte[] body = HttpReply.write(g -> {
            g.writeStartObject();
            if (single != null) {
                g.writeArrayFieldStart(field);
                for (Row r : page) {
                    writer.write(g, r);
                }
                g.writeEndArray();
                g.writeStringField("symbol", single);
            } else {
                g.writeObjectFieldStart(field);
                Map<String, List<Row>> bySymbol = new LinkedHashMap<>();
                for (Row r : page) {
                    bySymbol.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(r);
                }
                for (Map.Entry<String, List<Row>> e : bySymbol.entrySet()) {
                    g.writeArrayFieldStart(e.getKey());
                    for (Row r : e.getValue()) {
                        writer.write(g, r);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (next == null) {
                g.writeNullField("next_page_token");
            } else {
                g.writeStringField("next_page_token", next);
            }
            g.writeEndObject();
        });
        return HttpReply.json(200, body);
    }

    /** URL-safe base64 of {@code symbol|t|seq}: opaque to clients, and safe even when they forget to percent-encode it. */
    private static String encodeToken(Row r) {
        String s = r.symbol() + "|" + r.t() + "|" + r.seq();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Row decodeToken(String token, List<String> symbols) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            if (p.length != 3 || !symbols.contains(p[0])) {
                throw new IllegalArgumentException("token does not match the query");
            }
            return new Row(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]), null);
        } catch (IllegalArgumentException e) {
            throw new RestError(400, "invalid page token");
        }
    }

    private void writeBar(JsonGenerator g, Row r) throws IOException {
        AlpacaBar b = (AlpacaBar) r.value();
        g.writeStartObject();
        num(g, "c", b.close());
        num(g, "h", b.high());
        num(g, "l", b.low());
        g.writeNumberField("n", b.tradeCount());
        num(g, "o", b.open());
        g.writeStringField("t", MarketTime.formatInstant(b.timestamp()));
        g.writeNumberField("v", b.volume());
        num(g, "vw", b.vwap());
        g.writeEndObject();
    }

    private void writeTrade(JsonGenerator g, Row r) throws IOException {
        SimTrade st = (SimTrade) r.value();
        AlpacaTrade t = st.trade();
        g.writeStartObject();
        g.writeStringField("t", MarketTime.formatInstant(t.timestamp()));
        g.writeStringField("x", t.exchange());
        num(g, "p", t.price());
        g.writeNumberField("s", t.size());
        g.writeArrayFieldStart("c");
        for (String cond : t.conditions()) {
            g.writeString(cond);
        }
        g.writeEndArray();
        g.writeNumberField("i", t.id());
        g.writeStringField("z", t.tape());
        if (st.updateMark() != null) {
            g.writeStringField("u", st.updateMark());
        }
        g.writeEndObject();
    }

    private static void num(JsonGenerator g, String f, BigDecimal v) throws IOException {
        g.writeFieldName(f);
        g.writeNumber(v.toPlainString());
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
