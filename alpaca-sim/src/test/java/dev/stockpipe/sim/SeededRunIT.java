package dev.stockpipe.sim;

import static dev.stockpipe.sim.client.ProtocolClient.map;
import static dev.stockpipe.sim.client.ProtocolClient.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.sim.client.ProtocolClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 10-minute seeded run on a manual clock: the bars each client received (b, then u replacing it) equal
 * the aggregate of the trades it received, in both encodings, and equal the ground truth.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SeededRunIT {
    private static final Set<String> EXCLUDED = Set.of("B", "W", "4", "7", "9", "C", "G", "H", "I", "M", "N", "P", "Q", "R", "T");

    /** OHLCV as a client computes it from the trades it saw. */
    private static final class Agg {
        BigDecimal o, h, l, c, notional = BigDecimal.ZERO;
        Instant ot, ct;
        long v, n;

        void add(BigDecimal p, long s, Instant t) {
            if (ot == null || t.isBefore(ot)) { o = p; ot = t; }
            if (ct == null || !t.isBefore(ct)) { c = p; ct = t; }
            h = h == null || p.compareTo(h) > 0 ? p : h;
            l = l == null || p.compareTo(l) < 0 ? p : l;
            v += s;
            n++;
            notional = notional.add(p.multiply(BigDecimal.valueOf(s)));
        }
    }

    @Test
    void shouldSendBarsEqualToTheAggregateOfTheTradesSentForATenMinuteSeededRun() {
        Instant start = Instant.parse("2024-03-05T15:00:00Z");
        ManualClock clock = new ManualClock(start);
        try (AlpacaSimulator sim = AlpacaSimulator.builder().clock(clock).seed(42L)
                .symbols(List.of("AAPL", "MSFT", "GOOGL")).tradesPerSecond(200).correctionRate(0.01).cancelRate(0.01)
                .lateRate(0.01).quoteRate(0.1).connectionLimit(2).pingInterval(Duration.ZERO).start()) {
            ProtocolClient json = subscribe(sim, false);
            ProtocolClient msgpack = subscribe(sim, true);
            Instant end = start.plus(Duration.ofMinutes(12)); // 10 minutes of trades + the last :30 update
            while (clock.instant().isBefore(end)) {
                Instant now = clock.advance(Duration.ofMillis(500));
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> !sim.modelTime().isBefore(now));
            }
            long emitted = sim.stats().tradesEmitted();
            assertThat(emitted).isGreaterThan(100_000);
            for (ProtocolClient c : List.of(json, msgpack)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> c.ofType("t").size() == emitted);
            }
            List<AlpacaBar> truth = sim.groundTruth().bars(start, start.plus(Duration.ofMinutes(10)));
            assertThat(truth).hasSizeGreaterThanOrEqualTo(30);
            for (ProtocolClient c : List.of(json, msgpack)) {
                TreeMap<String, Agg> fromTrades = aggregate(c);
                TreeMap<String, Map<String, Object>> bars = finalBars(c);
                assertThat(c.ofType("u")).as("late trades make updated bars").isNotEmpty();
                assertThat(c.ofType("d")).as("daily bars").isNotEmpty();
                // Every minute that has closed by now: the last one (15:11) closed at 15:12.
                TreeMap<String, Agg> closed = new TreeMap<>(fromTrades);
                closed.keySet().removeIf(k -> !Instant.parse(k.substring(k.indexOf('|') + 1)).isBefore(start.plus(Duration.ofMinutes(11))));
                assertThat(bars.keySet()).as("a bar for exactly the minutes with eligible trades").containsAll(closed.keySet());
                for (Map.Entry<String, Agg> e : closed.entrySet()) {
                    Map<String, Object> b = bars.get(e.getKey());
                    Agg a = e.getValue();
                    assertThat(dec(b.get("o"))).as("open %s", e.getKey()).isEqualByComparingTo(a.o);
                    assertThat(dec(b.get("h"))).as("high %s", e.getKey()).isEqualByComparingTo(a.h);
                    assertThat(dec(b.get("l"))).as("low %s", e.getKey()).isEqualByComparingTo(a.l);
                    assertThat(dec(b.get("c"))).as("close %s", e.getKey()).isEqualByComparingTo(a.c);
                    assertThat(((Number) b.get("v")).longValue()).as("volume %s", e.getKey()).isEqualTo(a.v);
                    assertThat(((Number) b.get("n")).longValue()).as("count %s", e.getKey()).isEqualTo(a.n);
                    BigDecimal vwap = a.notional.divide(BigDecimal.valueOf(a.v), 6, RoundingMode.HALF_UP);
                    assertThat(dec(b.get("vw"))).as("vwap %s", e.getKey()).isEqualByComparingTo(vwap);
                }
                for (AlpacaBar t : truth) {
                    Map<String, Object> b = bars.get(key(t.symbol(), t.timestamp()));
                    assertThat(b).as("stream bar for ground truth %s", t).isNotNull();
                    assertThat(dec(b.get("c"))).isEqualByComparingTo(t.close());
                    assertThat(((Number) b.get("v")).longValue()).isEqualTo(t.volume());
                    assertThat(dec(b.get("vw"))).isEqualByComparingTo(t.vwap());
                }
            }
            json.close();
            msgpack.close();
        }
    }

    private static ProtocolClient subscribe(AlpacaSimulator sim, boolean msgpack) {
        ProtocolClient c = ProtocolClient.connect(sim.streamUri("iex"), msgpack);
        c.auth("test", "test");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.has(success("authenticated")));
        c.send(map("action", "subscribe", "trades", List.of("*"), "bars", List.of("*"),
                "updatedBars", List.of("*"), "dailyBars", List.of("*")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.ofType("subscription").isEmpty());
        return c;
    }

    private static TreeMap<String, Agg> aggregate(ProtocolClient c) {
        TreeMap<String, Agg> out = new TreeMap<>();
        for (Map<String, Object> t : c.ofType("t")) {
            @SuppressWarnings("unchecked")
            List<String> conds = (List<String>) t.get("c");
            if (conds.stream().anyMatch(EXCLUDED::contains)) {
                continue;
            }
            Instant ts = time(t.get("t"));
            Instant minute = Instant.ofEpochSecond(Math.floorDiv(ts.getEpochSecond(), 60) * 60);
            out.computeIfAbsent(key((String) t.get("S"), minute), k -> new Agg())
                    .add(dec(t.get("p")), ((Number) t.get("s")).longValue(), ts);
        }
        return out;
    }

    /** b bars, replaced by any later u for the same (S, t). */
    private static TreeMap<String, Map<String, Object>> finalBars(ProtocolClient c) {
        TreeMap<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> m : c.snapshot()) {
            if ("b".equals(m.get("T")) || "u".equals(m.get("T"))) {
                out.put(key((String) m.get("S"), time(m.get("t"))), m);
            }
        }
        return out;
    }

    private static String key(String s, Instant t) {
        return s + "|" + t;
    }

    private static Instant time(Object t) {
        return t instanceof Instant i ? i : Instant.parse((String) t);
    }

    private static BigDecimal dec(Object n) {
        return n instanceof BigDecimal b ? b : n instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(n.toString());
    }
}
