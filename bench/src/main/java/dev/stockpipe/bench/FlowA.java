package dev.stockpipe.bench;

import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.localstack.ServiceProcess;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.sim.SimTrade;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow A: the simulator (in this JVM) at a fixed trade rate → ingest-bridge → Redis → ws-relay → N WebSocket
 * clients in another JVM ({@link WsClientMain}); then the same load through {@link BaselineRelayMain}, the
 * seed's naive design, in the same run. Per rate and relay: warm-up, pause the simulator and let the pipe
 * drain, reset the clients, resume for the measured seconds, pause and drain again; delivered is compared
 * with the simulator's ground truth (trades of each symbol × the clients subscribed to it).
 */
final class FlowA {
    private static final Logger LOG = LoggerFactory.getLogger(FlowA.class);
    static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOGL");
    /** Label of the Socket.IO window (ws-relay's /socket.io/ over the WebSocket transport), measured at this rate only. */
    static final String SOCKET_IO = "socket.io";
    static final int SOCKET_IO_RATE = 1000;

    private final BenchContext ctx;
    private final int clients;
    private final List<Integer> rates;
    private final int seconds;
    private final int warmupSeconds;

    FlowA(BenchContext ctx, Integer clients, List<Integer> rates, Integer seconds) {
        this.ctx = ctx;
        this.clients = clients != null ? clients : ctx.quick ? 30 : 100;
        this.rates = rates != null && !rates.isEmpty() ? rates : ctx.quick ? List.of(1000) : List.of(1000, 10_000);
        this.seconds = seconds != null ? seconds : ctx.quick ? 5 : 20;
        this.warmupSeconds = ctx.quick ? 3 : 8;
    }

    Section run() {
        Section s = new Section("flow-a", "flow A: simulator → ingest-bridge → Redis → ws-relay → WebSocket clients");
        long t0 = System.nanoTime();
        s.parameters.put("simulator rates (trades/s)", rates);
        s.parameters.put("symbols", SYMBOLS);
        s.parameters.put("WebSocket clients (one JVM, JDK HttpClient, async)", clients + ", each on one symbol, round-robin");
        s.parameters.put("measured seconds per rate and relay", seconds);
        s.parameters.put("warm-up seconds", warmupSeconds);
        s.parameters.put("Socket.IO window", rates.contains(SOCKET_IO_RATE)
                ? "ws-relay /socket.io/ (WebSocket transport), same clients, at " + SOCKET_IO_RATE + " trades/s right after /ws"
                : "not run (only at " + SOCKET_IO_RATE + " trades/s)");
        s.parameters.put("heaps", "ingest-bridge 256m, ws-relay 256m, baseline relay 256m, client JVM 256m (SerialGC)");
        s.parameters.put("simulator", "corrections, cancels, late trades and quotes off; bars on");
        try {
            measure(s);
        } catch (Exception e) {
            LOG.error("flow-a failed", e);
            s.fail("flow-a", e);
        } finally {
            ctx.closeOwned();
            s.seconds = (System.nanoTime() - t0) / 1e9;
        }
        return s;
    }

    private void measure(Section s) throws Exception {
        EmbeddedRedis redis = ctx.own(EmbeddedRedis.start(0));
        // The bridge also produces every trade to Kafka (flow B's first leg), as in production.
        EmbeddedKafka kafka = ctx.own(EmbeddedKafka.start(ctx.workDir.resolve("flow-a-kafka"), 0, 3));
        kafka.createDesignTopics(3);
        String channel = "bench:trades:pubsub";

        int relayPort = BenchContext.freePort();
        Map<String, String> relayEnv = new HashMap<>();
        relayEnv.put("BIND_HOST", "127.0.0.1");
        relayEnv.put("RELAY_PORT", Integer.toString(relayPort));
        relayEnv.put("REDIS_HOST", redis.host());
        relayEnv.put("REDIS_PORT", Integer.toString(redis.port()));
        relayEnv.put("REDIS_CHANNEL_TRADES", channel);
        relayEnv.put("BARS_API_URL", "http://127.0.0.1:" + BenchContext.freePort());
        ServiceProcess relay = ctx.startModule("ws-relay", "ws-relay", "dev.stockpipe.relay.Application", "256m", relayEnv, List.of());

        int basePort = BenchContext.freePort();
        Map<String, String> baseEnv = new HashMap<>(relayEnv);
        baseEnv.put("BASELINE_PORT", Integer.toString(basePort));
        ServiceProcess baseline = ctx.own(ServiceProcess.start(new ServiceProcess.Spec("baseline-relay",
                List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        BaselineRelayMain.class.getName()), baseEnv, ctx.logDir.resolve("baseline-relay.log"), Duration.ofSeconds(5))));
        ctx.awaitHttpOk(relay, "http://127.0.0.1:" + relayPort + "/health", Duration.ofSeconds(120));
        ctx.awaitHttpOk(baseline, "http://127.0.0.1:" + basePort + "/health", Duration.ofSeconds(60));
        ClientFleet fleet = ctx.own(new ClientFleet(ctx.logDir.resolve("ws-clients.log"), "256m"));

        Map<String, Histogram> curves = new LinkedHashMap<>();
        Map<String, List<double[]>> throughput = new LinkedHashMap<>();
        for (int rate : rates) {
            try (AlpacaSimulator sim = AlpacaSimulator.builder().port(0).seed(7L).symbols(SYMBOLS).tradesPerSecond(rate)
                    .correctionRate(0).cancelRate(0).lateRate(0).quoteRate(0).connectionLimit(2).keepGroundTruth(true).start()) {
                sim.pause();
                int bridgePort = BenchContext.freePort();
                Map<String, String> env = new HashMap<>();
                env.put("BIND_HOST", "127.0.0.1");
                env.put("INGEST_HTTP_PORT", Integer.toString(bridgePort));
                env.put("ALPACA_DATA_WS_URL", sim.streamUri("iex"));
                env.put("ALPACA_DATA_REST_URL", sim.restUri());
                env.put("SUBSCRIBED_SYMBOLS", String.join(",", SYMBOLS));
                env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
                env.put("REDIS_HOST", redis.host());
                env.put("REDIS_PORT", Integer.toString(redis.port()));
                env.put("REDIS_CHANNEL_TRADES", channel);
                env.put("INGEST_BACKFILL_ENABLED", "false");
                try (ServiceProcess bridge = ctx.startModule("ingest-bridge-" + rate, "ingest-bridge",
                        "dev.stockpipe.ingest.IngestBridgeMain", "256m", env, List.of())) {
                    ctx.awaitHttpOk(bridge, "http://127.0.0.1:" + bridgePort + "/health", Duration.ofSeconds(90));
                    List<String[]> relays = new ArrayList<>();
                    relays.add(new String[] {"ws-relay", "ws://127.0.0.1:" + relayPort + "/ws", Long.toString(relay.pid()),
                            "http://127.0.0.1:" + relayPort + "/metrics"});
                    if (rate == SOCKET_IO_RATE) {
                        // The same relay process, its Socket.IO endpoint: a separate window right after /ws.
                        relays.add(new String[] {SOCKET_IO, "ws://127.0.0.1:" + relayPort + "/socket.io/?EIO=4&transport=websocket",
                                Long.toString(relay.pid()), "http://127.0.0.1:" + relayPort + "/metrics"});
                    }
                    relays.add(new String[] {"baseline", "ws://127.0.0.1:" + basePort + "/", Long.toString(baseline.pid()), null});
                    Map<String, LatencySummary> byRelay = new HashMap<>();
                    Map<String, Double> cpuByRelay = new HashMap<>();
                    for (String[] r : relays) {
                        String label = r[0] + " @ " + rate + "/s";
                        Phase p = phase(s, sim, fleet, label, r[1], Long.parseLong(r[2]), r[3], bridge, bridgePort, redis);
                        curves.put(label, p.report.histogram());
                        throughput.put(label, p.rates);
                        LatencySummary l = LatencySummary.of(p.report.histogram());
                        s.latencies.put(label, l);
                        byRelay.put(r[0], l);
                        cpuByRelay.put(r[0], p.relayCpu);
                        LOG.info("{}: delivered {}/{} {} (client CPU {} %, relay CPU {} %)", label, p.report.total(), p.expected,
                                l.line(), Report.num(p.clientCpu), Report.num(p.relayCpu));
                        long lost = p.expected - p.report.total();
                        if ("ws-relay".equals(r[0])) {
                            s.figures.add(Figure.atMost("ws-relay p99 @ " + rate + " trades/s, " + clients + " clients", l.p99(), "ms", 1.0));
                            s.figures.add(Figure.info("ws-relay p50 @ " + rate + "/s", l.p50(), "ms"));
                        } else if (SOCKET_IO.equals(r[0])) {
                            s.figures.add(Figure.info("socket.io (ws-relay /socket.io/) p99 @ " + rate + " trades/s, " + clients + " clients", l.p99(), "ms"));
                            s.figures.add(Figure.info("socket.io p50 @ " + rate + "/s", l.p50(), "ms"));
                        } else {
                            s.figures.add(Figure.info("baseline p99 @ " + rate + " trades/s", l.p99(), "ms"));
                        }
                        s.figures.add(Figure.atMost(r[0] + " lost trades @ " + rate + "/s (expected " + p.expected + ")",
                                Math.max(0, lost), "trades", 0));
                        if (lost < 0) {
                            s.notes.add(label + ": delivered " + (-lost) + " more than expected (duplicates?)");
                        }
                        s.figures.add(Figure.atMost(r[0] + " client JVM CPU / relay CPU @ " + rate + "/s",
                                p.clientCpu / p.relayCpu, "×", 1.0));
                    }
                    LatencySummary ours = byRelay.get("ws-relay");
                    LatencySummary base = byRelay.get("baseline");
                    LatencySummary sio = byRelay.get(SOCKET_IO);
                    if (ours != null && sio != null) {
                        s.figures.add(Figure.info("socket.io p99 / ws-relay /ws p99 @ " + rate + "/s (> 1 = Socket.IO slower)", sio.p99() / ours.p99(), "×"));
                    }
                    if (ours != null && base != null) {
                        s.figures.add(Figure.info("ws-relay p99 / baseline p99 @ " + rate + "/s (< 1 = ours faster)", ours.p99() / base.p99(), "×"));
                        s.figures.add(Figure.info("ws-relay CPU / baseline CPU @ " + rate + "/s", cpuByRelay.get("ws-relay") / cpuByRelay.get("baseline"), "×"));
                    }
                }
            }
        }
        for (String svc : List.of("ws-relay", "ingest-bridge")) {
            double heap = s.processes.stream().filter(p -> p.name().startsWith(svc)).mapToDouble(ProcStats::heapPeakMb)
                    .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            s.figures.add(Figure.atMost(svc + " heap peak", heap, "MB", 256));
        }
        Plots.latencyPercentiles(ctx.outDir.resolve("flow-a-latency.png"), "flow A: received_at → client, by percentile", curves);
        Plots.overTime(ctx.outDir.resolve("flow-a-throughput.png"), "flow A: trades delivered to all clients per second",
                "trades/s (all clients)", throughput);
        s.plots.add("flow-a-latency.png");
        s.plots.add("flow-a-throughput.png");
        s.notes.add("Latency = client receive time − received_at (epoch nanos stamped by ingest-bridge when the frame arrived),"
                + " two JVMs on one machine reading the same clock; it covers bridge parse + PUBLISH, Redis, the relay and the"
                + " client's socket. Negative differences (clock reads racing) count as 0 and are reported in the notes.");
        s.notes.add("Expected = simulator ground truth trades per symbol in the measured window × clients on that symbol;"
                + " the pipe is drained (simulator paused) before the window opens and after it closes, so no trade is in flight"
                + " at either edge. A trade the relay conflated away for a slow client counts as lost.");
        s.notes.add("Baseline = the seed's design: a plain lettuce subscriber writing each message to each client with a blocking"
                + " socket write on the subscriber thread (BaselineRelayMain), same clients, same rate, same run.");
        s.notes.add("Socket.IO = the same ws-relay process on /socket.io/ (Engine.IO v4 WebSocket transport, Socket.IO v5"
                + " packets; the clients answer pings), same clients, measured at " + SOCKET_IO_RATE + " trades/s in its own window"
                + " right after the /ws window, with the same latency and delivered-vs-expected accounting.");
        s.notes.add("'bench' in the process table hosts the simulator and the Kafka broker the bridge also writes to.");
    }

    private record Phase(ClientFleet.Report report, long expected, double clientCpu, double relayCpu, List<double[]> rates) {}

    private Phase phase(Section s, AlpacaSimulator sim, ClientFleet fleet, String label, String url, long relayPid,
                        String relayMetrics, ServiceProcess bridge, int bridgePort, EmbeddedRedis redis) {
        LOG.info("{}: connecting {} clients to {}", label, clients, url);
        fleet.connect(url, clients, SYMBOLS, label.startsWith(SOCKET_IO));
        sim.resume();
        BenchContext.sleep(warmupSeconds * 1000L);
        sim.pause();
        // Nothing of the warm-up may still be in flight when the window opens.
        fleet.awaitQuiet(1500, 20_000);
        fleet.reset();
        Map<String, Long> before = perSymbol(sim);
        ProcessSampler sampler = new ProcessSampler(label)
                .track(label.startsWith("baseline") ? "baseline-relay" : "ws-relay", relayPid, true, relayMetrics)
                .track("ingest-bridge", bridge.pid(), true, "http://127.0.0.1:" + bridgePort + "/metrics")
                .track("redis", redis.pid(), false, null)
                .track("ws-clients JVM", fleet.pid(), true, null)
                .track("bench (simulator + Kafka)", ProcessHandle.current().pid(), false, null).start();
        String bridgeMetrics = "http://127.0.0.1:" + bridgePort + "/metrics";
        Map<String, Double> relayBefore = PromScrape.scrape(relayMetrics);
        Map<String, Double> bridgeBefore = PromScrape.scrape(bridgeMetrics);
        long fromMs = fleet.lastTickMs();
        sim.resume();
        BenchContext.sleep(seconds * 1000L);
        sim.pause();
        Map<String, Long> after = perSymbol(sim);
        long expected = 0;
        for (int i = 0; i < clients; i++) {
            String sym = SYMBOLS.get(i % SYMBOLS.size());
            expected += after.getOrDefault(sym, 0L) - before.getOrDefault(sym, 0L);
        }
        // Drain: wait until everything arrived, or nothing moved for 3 s (the rest is lost).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        long c = fleet.count();
        while (c < expected && System.nanoTime() < deadline) {
            if (c != last) {
                last = c;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 3_000_000_000L) {
                break;
            }
            BenchContext.sleep(250);
            c = fleet.count();
        }
        fleet.awaitQuiet(1000, 5000); // duplicates, if any, arrive too
        ClientFleet.Report r = fleet.report();
        Map<String, Double> relayAfter = PromScrape.scrape(relayMetrics);
        Map<String, Double> bridgeAfter = PromScrape.scrape(bridgeMetrics);
        List<ProcStats> stats = sampler.stop();
        double publish = PromScrape.meanMs(bridgeBefore, bridgeAfter, "ingest_publish_latency_seconds");
        if (!Double.isNaN(publish)) {
            s.notes.add(label + ": mean frame arrival → PUBLISH written in ingest-bridge " + Report.num(publish) + " ms (its /metrics)");
        }
        if (relayMetrics != null) {
            s.notes.add(label + ": means from ws-relay's /metrics over the window: received_at → Redis message at the relay "
                    + Report.num(PromScrape.meanMs(relayBefore, relayAfter, "relay_bridge_latency_seconds")) + " ms, Redis message → written"
                    + " to the socket " + Report.num(PromScrape.meanMs(relayBefore, relayAfter, "relay_fanout_latency_seconds")) + " ms");
        }
        sampler.close();
        s.processes.addAll(stats);
        long toMs = fleet.lastTickMs();
        fleet.disconnect();
        double relayCpu = stats.get(0).cpuPercent();
        double clientCpu = stats.stream().filter(p -> p.name().equals("ws-clients JVM")).mapToDouble(ProcStats::cpuPercent).findFirst().orElse(Double.NaN);
        if (r.negative() > 0) {
            s.notes.add(label + ": " + r.negative() + " latencies were negative (clock reads racing) and counted as 0");
        }
        if (r.errors() > 0 || r.closed() > 0) {
            s.notes.add(label + ": clients saw " + r.errors() + " errors, " + r.closed() + " connections closed by the server");
        }
        return new Phase(r, expected, clientCpu, relayCpu, fleet.ratesBetween(fromMs, toMs + 1000, fromMs));
    }

    private static Map<String, Long> perSymbol(AlpacaSimulator sim) {
        Map<String, Long> m = new HashMap<>();
        for (SimTrade t : sim.groundTruth().trades()) {
            m.merge(t.trade().symbol(), 1L, Long::sum);
        }
        return m;
    }

    private static String java() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
