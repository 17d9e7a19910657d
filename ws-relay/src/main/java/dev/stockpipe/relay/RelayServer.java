package dev.stockpipe.relay;

import dev.stockpipe.relay.core.ClientProtocol;
import dev.stockpipe.relay.core.CloseCodes;
import dev.stockpipe.relay.core.FanOut;
import dev.stockpipe.relay.core.RelayMetrics;
import dev.stockpipe.relay.socketio.SocketIoServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole relay, composed from a {@link RelayConfig}: metrics, fan-out, Redis subscription, the slow-client
 * sweeper and the Micronaut server. {@link #close} stops them in reverse order. Used by {@link Application}
 * and by the integration tests, so both run exactly the same wiring.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
    private static final long SWEEP_MS = 100;

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final RelayConfig config;
    private final FanOut fanOut;
    private final RelayMetrics metrics;
    private final RedisPriceSubscriber redis;
    private final EmbeddedServer server;
    private final SocketIoServer sio;
    private volatile boolean closed;

    private RelayServer(RelayConfig config) {
        this.config = config;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        closeables.push(registry::close);
        metrics = new RelayMetrics(registry);
        fanOut = new FanOut(config.maxClients(), config.clientQueueSize(), config.clientInFlight(),
                config.maxSymbolsPerClient(), config.maxConflation().toNanos(), metrics, System::nanoTime);
        redis = new RedisPriceSubscriber(config, fanOut, metrics);
        closeables.push(redis);
        redis.start();
        ClientProtocol protocol = new ClientProtocol(fanOut, redis, metrics, System::nanoTime,
                config.maxSymbolsPerClient(), config.maxMessageBytes(), config.maxClientMessagesPerSecond(),
                config.floodCloseMessagesPerSecond());
        BarsProxy proxy = new BarsProxy(config.barsApiUrl(), config.proxyTimeout());
        closeables.push(proxy);

        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        sweeper.scheduleWithFixedDelay(this::summary, 60, 60, TimeUnit.SECONDS);
        closeables.push(sweeper::shutdownNow);

        sio = new SocketIoServer(config, fanOut, protocol, metrics, System::nanoTime);
        OpenSessions openSessions = new OpenSessions();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("micronaut.server.host", config.bindHost());
        props.put("micronaut.server.port", config.port() == 0 ? -1 : config.port());
        // Micronaut refuses cross-origin requests to a loopback server unless CORS names the origins; PriceSocket
        // then applies RELAY_ALLOWED_ORIGINS itself, with a readable close reason.
        props.put("micronaut.server.cors.enabled", true);
        // the relay takes no uploads: the largest request body is a Socket.IO polling POST (larger ones up to
        // this size get Engine.IO's own 413 and end their session; beyond it Micronaut answers 413 itself)
        props.put("micronaut.server.max-request-size", Math.max(2L * config.sioMaxPayload(), 1L << 20));
        if (config.allowedOrigins().contains("*")) {
            props.put("micronaut.server.cors.configurations.web.allowed-origins-regex", ".*");
        } else {
            props.put("micronaut.server.cors.configurations.web.allowed-origins", java.util.List.copyOf(config.allowedOrigins()));
        }
        ApplicationContext ctx = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(props)
                .singletons(config, metrics, registry, fanOut, protocol, redis, proxy, openSessions, sio)
                .start();
        closeables.push(ctx::close);
        server = ctx.getBean(EmbeddedServer.class);
        server.start();
        closeables.push(sio); // sessions without a socket yet, after the clients below were told why
        // clients first: they get a readable close reason before the server goes away
        closeables.push(() -> {
            fanOut.closeAll(CloseCodes.GOING_AWAY, "relay shutting down");
            if (!openSessions.awaitNone(3000)) {
                LOG.info("{} WebSocket sessions still open at shutdown; closing them with the server",
                        openSessions.count());
            }
        });
        LOG.info("ws-relay listening on http://{}:{} (WebSocket /ws, Socket.IO /socket.io/, page /, proxy /api/bars -> {})",
                config.bindHost(), server.getPort(), config.barsApiUrl());
    }

    public static RelayServer start(RelayConfig config) {
        return new RelayServer(config);
    }

    private void sweep() {
        try {
            fanOut.sweep();
        } catch (RuntimeException e) {
            LOG.warn("slow-client sweep failed", e);
        }
    }

    private void summary() {
        LOG.info("clients={} events_sent={} conflated={} redis_connected={}", fanOut.clientCount(),
                (long) metrics.eventsSentCount(), (long) metrics.conflatedCount(), redis.isConnected());
    }

    public int port() {
        return server.getPort();
    }

    public URI httpUri() {
        return URI.create("http://" + config.bindHost() + ":" + port());
    }

    public URI wsUri() {
        return URI.create("ws://" + config.bindHost() + ":" + port() + "/ws");
    }

    public FanOut fanOut() {
        return fanOut;
    }

    public SocketIoServer socketIo() {
        return sio;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public boolean awaitRedis(Duration timeout) throws InterruptedException {
        return redis.awaitSubscribed(timeout);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                LOG.warn("error while stopping ws-relay", e);
            }
        }
        LOG.info("ws-relay stopped");
    }
}
