package dev.stockpipe.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.alpaca.AlpacaFrames;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.MsgpackTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Alpaca market-data simulator in the JVM: the WebSocket stream at {@link #streamUri(String)}, the
 * historical REST at {@link #restUri()}, the exact {@link #groundTruth()} of what it emitted, and
 * {@link #faults()} on demand. The market model runs on its own thread, driven by the configured
 * {@link Clock}: pass a {@link ManualClock} to step model time from a test, or {@code speed(60)} to run
 * an hour in a minute.
 *
 * <pre>{@code
 * try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(42L).symbols(List.of("AAPL")).start()) {
 *     connect(sim.streamUri("iex"));   // ws://127.0.0.1:PORT/v2/iex, key/secret test/test
 * }
 * }</pre>
 */
public final class AlpacaSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlpacaSimulator.class);
    /** Events handled per step at most, so a big clock jump is streamed out in bounded batches. */
    private static final int MAX_EVENTS_PER_STEP = 20_000;

    private final Builder cfg;
    private final Clock clock;
    private final GroundTruth truth;
    private final MarketModel model;
    private final Faults faults = new Faults();
    private final SimMetrics metrics;
    private final StreamServer server;
    private final AlpacaParser parser;
    private final Thread driver;
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile boolean resumed;
    private volatile long modelNanos;

    private AlpacaSimulator(Builder b) throws InterruptedException {
        this.cfg = b;
        this.clock = b.speed == 1.0 ? b.clock : new AcceleratedClock(b.clock, b.speed);
        this.truth = new GroundTruth(b.keepGroundTruth);
        long start = GroundTruth.nanos(clock.instant());
        this.model = new MarketModel(new MarketModel.Settings(b.seed, b.symbols, b.tradesPerSecond, b.correctionRate,
                b.cancelRate, b.lateRate, b.quoteRate, b.exchanges), truth, start, b.retention.toNanos());
        this.modelNanos = start;
        this.parser = new AlpacaParser(clock);
        ServerSettings ss = new ServerSettings(b.bindHost, b.port, b.key, b.secret, b.plan,
                b.symbolLimit >= 0 ? b.symbolLimit : b.plan.symbolLimit(), b.connectionLimit, b.authTimeout,
                b.pingInterval, b.pongTimeout, b.outboundCapacity, b.maxFrameMessages, b.maxClientMessageBytes,
                b.restRateLimitPerMinute);
        // The server's gauges read the server, which is created just below; the suppliers run later.
        StreamServer[] ref = new StreamServer[1];
        this.metrics = new SimMetrics(() -> ref[0].connectionCount(), () -> ref[0].authenticatedCount());
        RestApi rest = new RestApi(truth, ss, faults, metrics, clock, Clock.systemUTC());
        AdminApi admin = new AdminApi(this);
        this.server = new StreamServer(ss, metrics, faults, call -> route(call, rest, admin));
        ref[0] = server;
        server.start();
        this.driver = new Thread(this::drive, "alpaca-sim-market");
        driver.setDaemon(true);
        driver.start();
        log.info("market model started: seed {}, {} symbols, {} trades/s, speed {}x",
                b.seed, b.symbols.size(), b.tradesPerSecond, b.speed);
    }

    public static Builder builder() {
        return new Builder();
    }

    private HttpReply route(HttpCall call, RestApi rest, AdminApi admin) {
        String p = call.path();
        if (p.equals("/health")) {
            return HttpReply.json(200, "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8));
        }
        if (p.equals("/metrics")) {
            return HttpReply.text(200, metrics.scrape());
        }
        if (p.startsWith("/admin/")) {
            return admin.handle(call);
        }
        if (p.startsWith("/v2/stocks/")) {
            return rest.handle(call);
        }
        return HttpReply.error(404, "Not Found");
    }

    // ------------------------------------------------------------------ the market thread

    private void drive() {
        List<AlpacaMessage> out = new ArrayList<>();
        long tick = cfg.tick.toNanos();
        while (running) {
            try {
                if (paused) {
                    LockSupport.parkNanos(tick);
                    continue;
                }
                long now = GroundTruth.nanos(clock.instant());
                boolean caughtUp;
                synchronized (truth) {
                    if (resumed) {
                        resumed = false;
                        model.skipTradesUntil(now);
                    }
                    caughtUp = model.advanceTo(now, MAX_EVENTS_PER_STEP, out);
                    truth.recordEmitted(model.now(), out);
                }
                modelNanos = model.now();
                if (!out.isEmpty()) {
                    count(out);
                    server.broadcast(List.copyOf(out), faults.takeDuplicate());
                    out.clear();
                }
                if (caughtUp) {
                    LockSupport.parkNanos(tick);
                }
            } catch (RuntimeException e) {
                // The model must keep running whatever one step did; the step's output is dropped.
                log.error("market step failed; continuing", e);
                out.clear();
                LockSupport.parkNanos(tick);
            }
        }
    }

    private void count(List<AlpacaMessage> out) {
        for (AlpacaMessage m : out) {
            switch (m.type()) {
                case "t" -> metrics.trades.increment();
                case "b", "u", "d" -> metrics.bars.increment();
                case "c" -> metrics.corrections.increment();
                case "x" -> metrics.cancels.increment();
                default -> { }
            }
        }
    }

    // ------------------------------------------------------------------ the library API

    /** {@code ws://HOST:PORT/v2/{feed}}; feeds: iex, sip, test, delayed_sip. */
    public String streamUri(String feed) {
        return streamBaseUri() + "/" + feed;
    }

    /** {@code ws://HOST:PORT/v2}. */
    public String streamBaseUri() {
        return "ws://" + cfg.bindHost + ":" + server.port() + "/v2";
    }

    /** {@code http://HOST:PORT}: historical REST under /v2/stocks, admin under /admin. */
    public String restUri() {
        return "http://" + cfg.bindHost + ":" + server.port();
    }

    public int port() {
        return server.port();
    }

    public String key() {
        return cfg.key;
    }

    public String secret() {
        return cfg.secret;
    }

    public GroundTruth groundTruth() {
        return truth;
    }

    public Faults faults() {
        return faults;
    }

    /** The model time processed so far; with a {@link ManualClock}, wait for it to reach the clock. */
    public Instant modelTime() {
        return GroundTruth.instant(modelNanos);
    }

    /**
     * Sends each JSON frame, in order, verbatim to every authenticated session (subscriptions are not
     * applied). MessagePack sessions get it re-encoded when it is a valid Alpaca frame, else the JSON
     * tree as MessagePack, else the raw text. Valid messages are added to {@link GroundTruth#emitted()}.
     */
    public void script(List<String> jsonFrames) {
        for (String f : jsonFrames) {
            byte[] json = f.getBytes(StandardCharsets.UTF_8);
            byte[] msgpack = null;
            try {
                List<AlpacaMessage> ms = parser.parseJsonFrame(json);
                msgpack = AlpacaFrames.toMsgpack(ms);
                truth.recordEmitted(modelNanos, ms);
            } catch (MessageFormatException e) {
                try {
                    JsonNode tree = Json.MAPPER.readTree(json);
                    msgpack = tree == null ? null : MsgpackTree.write(tree);
                } catch (IOException | RuntimeException notJson) {
                    msgpack = null;
                }
            }
            server.broadcastRaw(json, msgpack);
        }
    }

    public void sendFrame(String jsonFrame) {
        script(List.of(jsonFrame));
    }

    /** Sends one frame of these messages to every authenticated session, in its encoding. */
    public void sendFrame(List<? extends AlpacaMessage> messages) {
        truth.recordEmitted(modelNanos, messages);
        server.broadcastRaw(AlpacaFrames.toJsonBytes(messages), AlpacaFrames.toMsgpack(messages));
    }

    /** Stops the market model: no trades, no bars. Sessions stay connected. */
    public void pause() {
        paused = true;
        log.info("market model paused");
    }

    /** Resumes the model at the clock's current time; the paused interval has no trades. */
    public void resume() {
        resumed = true;
        paused = false;
        log.info("market model resumed");
    }

    public boolean paused() {
        return paused;
    }

    public SimStats stats() {
        return new SimStats(server.connectionCount(), server.authenticatedCount(), metrics.framesSent.sum(),
                metrics.messagesSent.sum(), metrics.trades.sum(), metrics.bars.sum(), metrics.corrections.sum(),
                metrics.cancels.sum(), metrics.clientErrors.sum(), metrics.slowClients.sum(), metrics.droppedSilent.sum(),
                metrics.restRequests.sum(), metrics.rest429.sum(), metrics.upgradesRejected.sum(), modelTime(), paused);
    }

    @Override
    public void close() {
        running = false;
        driver.interrupt();
        try {
            driver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        log.info("alpaca-sim stopped");
    }

    // ------------------------------------------------------------------ builder

    /** Every setting with its default; {@link SimConfig} maps the environment onto these. */
    public static final class Builder {
        private String bindHost = "127.0.0.1";
        private int port = 0;
        private long seed = 42L;
        private List<String> symbols = List.of("AAPL", "MSFT", "GOOGL");
        private double tradesPerSecond = 50;
        private double correctionRate = 0.005;
        private double cancelRate = 0.005;
        private double lateRate = 0.002;
        private double quoteRate = 0.2;
        private List<String> exchanges = List.of();
        private Clock clock = Clock.systemUTC();
        private double speed = 1.0;
        private String key = "test";
        private String secret = "test";
        private Plan plan = Plan.BASIC;
        private int symbolLimit = -1;
        private int connectionLimit = 1;
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(10);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private int outboundCapacity = 100_000;
        private int maxFrameMessages = 1_000;
        private int maxClientMessageBytes = 1024 * 1024;
        private int restRateLimitPerMinute = 10_000;
        private Duration retention = Duration.ofHours(24);
        private boolean keepGroundTruth = true;
        private Duration tick = Duration.ofMillis(2);

        private Builder() {}

        /** Listen address; 127.0.0.1 unless told otherwise. */
        public Builder bindHost(String h) { this.bindHost = Objects.requireNonNull(h); return this; }
        /** 0 = a free port. */
        public Builder port(int p) { this.port = p; return this; }
        public Builder seed(long s) { this.seed = s; return this; }
        public Builder symbols(List<String> s) { this.symbols = List.copyOf(s); return this; }
        /** Across all symbols; 0 = no random trades (scripted only). */
        public Builder tradesPerSecond(double r) { this.tradesPerSecond = r; return this; }
        /** Fraction of trades later corrected. */
        public Builder correctionRate(double r) { this.correctionRate = r; return this; }
        /** Fraction of trades later canceled. */
        public Builder cancelRate(double r) { this.cancelRate = r; return this; }
        /** Fraction of trades reported 1-10 s late (they make updated bars). */
        public Builder lateRate(double r) { this.lateRate = r; return this; }
        /** Quotes per trade (0..1). */
        public Builder quoteRate(double r) { this.quoteRate = r; return this; }
        /** Venue codes to draw from uniformly; default a weighted SIP mix. {@code List.of("V")} = IEX only. */
        public Builder exchanges(List<String> x) { this.exchanges = List.copyOf(x); return this; }
        /** The model's time source; a {@link ManualClock} steps it by hand. */
        public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }
        /** Model time runs this many times faster than the clock. */
        public Builder speed(double s) { this.speed = s; return this; }
        /** The only accepted key/secret pair (402 otherwise). */
        public Builder credentials(String k, String s) { this.key = Objects.requireNonNull(k); this.secret = Objects.requireNonNull(s); return this; }
        public Builder plan(Plan p) { this.plan = Objects.requireNonNull(p); return this; }
        /** Explicit trades+quotes symbols per session (405 beyond); 0 = unlimited; default from the plan. */
        public Builder symbolLimit(int n) { this.symbolLimit = n; return this; }
        /** Authenticated sessions per key and feed (406 beyond). */
        public Builder connectionLimit(int n) { this.connectionLimit = n; return this; }
        public Builder authTimeout(Duration d) { this.authTimeout = d; return this; }
        /** Server pings; zero disables them. */
        public Builder pingInterval(Duration d) { this.pingInterval = d; return this; }
        /** A session that sent no pong for this long is dropped. */
        public Builder pongTimeout(Duration d) { this.pongTimeout = d; return this; }
        /** Messages queued per session before 407 slow client. */
        public Builder outboundQueueCapacity(int n) { this.outboundCapacity = n; return this; }
        public Builder maxFrameMessages(int n) { this.maxFrameMessages = n; return this; }
        public Builder maxClientMessageBytes(int n) { this.maxClientMessageBytes = n; return this; }
        public Builder restRateLimitPerMinute(int n) { this.restRateLimitPerMinute = n; return this; }
        /** Ground truth older than this (model time) is forgotten; zero keeps everything. */
        public Builder retention(Duration d) { this.retention = d; return this; }
        /** False keeps no trades or message log (bars only): for long benchmark runs. */
        public Builder keepGroundTruth(boolean k) { this.keepGroundTruth = k; return this; }
        /** How often the market thread looks at the clock. */
        public Builder tick(Duration d) { this.tick = d; return this; }

        public AlpacaSimulator start() {
            validate();
            try {
                return new AlpacaSimulator(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the simulator", e);
            }
        }

        private void validate() {
            List<String> problems = new ArrayList<>();
            if (port < 0 || port > 65535) problems.add("port=" + port + " is not in 0..65535");
            if (symbols.isEmpty()) problems.add("symbols is empty");
            for (String s : symbols) {
                if (!AlpacaParser.SYMBOL.matcher(s).matches()) problems.add("symbol '" + s + "' is not a valid symbol");
            }
            if (tradesPerSecond < 0) problems.add("tradesPerSecond=" + tradesPerSecond + " < 0");
            if (correctionRate < 0 || cancelRate < 0 || correctionRate + cancelRate > 1) {
                problems.add("correctionRate=" + correctionRate + " + cancelRate=" + cancelRate + " must be within 0..1");
            }
            if (lateRate < 0 || lateRate > 1) problems.add("lateRate=" + lateRate + " is not within 0..1");
            if (quoteRate < 0 || quoteRate > 1) problems.add("quoteRate=" + quoteRate + " is not within 0..1");
            if (!(speed > 0)) problems.add("speed=" + speed + " must be > 0");
            if (connectionLimit < 1) problems.add("connectionLimit=" + connectionLimit + " < 1");
            if (outboundCapacity < 1) problems.add("outboundQueueCapacity=" + outboundCapacity + " < 1");
            if (maxFrameMessages < 1) problems.add("maxFrameMessages=" + maxFrameMessages + " < 1");
            if (restRateLimitPerMinute < 1) problems.add("restRateLimitPerMinute=" + restRateLimitPerMinute + " < 1");
            if (authTimeout.isNegative() || authTimeout.isZero()) problems.add("authTimeout must be > 0");
            if (pingInterval.isNegative() || pongTimeout.isNegative()) problems.add("ping settings must be >= 0");
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid simulator settings: " + String.join("; ", problems));
            }
        }
    }
}
