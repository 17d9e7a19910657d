package dev.stockpipe.localstack;

import dev.stockpipe.model.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts {@code up} runs: embedded ones are started here (Kafka in this JVM, PostgreSQL and Redis
 * as child processes), external ones are only checked. Closing stops what was started, newest first.
 * Later services join as {@link ServiceProcess}es through {@link #supervise}.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final int PROBE_TIMEOUT_MILLIS = 10_000;

    private final LocalStackConfig cfg;
    private final PrintStream out;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<StackState.Part> parts = new ArrayList<>();
    private boolean closed;
    private java.util.function.Consumer<StackState> onProgress = s -> { };

    private final Instant startedAt = Instant.now();

    public LocalStack(LocalStackConfig cfg, PrintStream out) {
        this.cfg = cfg;
        this.out = out;
    }

    /**
     * Starts or checks Kafka, PostgreSQL and Redis, printing one ready line for each. PostgreSQL and
     * Redis start in a second thread while Kafka starts in this one: on a busy 2-core machine the
     * broker's start is the long pole. After each part, onProgress gets the state so far, so that a
     * crash half-way still leaves the PIDs to clean up in the state file.
     */
    public StackState start(java.util.function.Consumer<StackState> onProgress) {
        this.onProgress = onProgress;
        planPorts();
        java.util.concurrent.ExecutorService side = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stack-start");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<?> others = side.submit(() -> {
                startPostgres();
                startRedis();
            });
            RuntimeException kafkaFailure = null;
            try {
                startKafka();
            } catch (RuntimeException e) {
                kafkaFailure = e;
            }
            try {
                others.get();
            } catch (java.util.concurrent.ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException
                        ? (RuntimeException) e.getCause() : new LocalStackException(String.valueOf(e.getCause()), e.getCause());
                if (kafkaFailure == null) {
                    throw cause;
                }
                kafkaFailure.addSuppressed(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while starting", e);
            }
            if (kafkaFailure != null) {
                throw kafkaFailure;
            }
            return state();
        } finally {
            side.shutdownNow();
        }
    }

    public synchronized StackState state() {
        // Parts start in parallel; keep the state in DESIGN order whatever finished first.
        List<String> order = List.of(StackState.KAFKA, StackState.POSTGRES, StackState.REDIS);
        List<StackState.Part> sorted = new ArrayList<>(parts);
        sorted.sort(java.util.Comparator.comparingInt(p -> order.indexOf(p.name())));
        List<StackState.Service> svc = new ArrayList<>();
        for (ServiceDef d : ServiceDef.ALL) {
            if (services.containsKey(d.name())) {
                svc.add(services.get(d.name()));
            }
        }
        return new StackState(ProcessHandle.current().pid(), startedAt.toString(), cfg.home().toString(), sorted, svc);
    }

    /** Adds a child process; it is stopped before the parts it depends on. */
    public synchronized ServiceProcess supervise(ServiceProcess.Spec spec) {
        ServiceProcess p = ServiceProcess.start(spec);
        started.push(p);
        return p;
    }

    /** Adds a supervised (restarted on crash) service; it is stopped before everything started earlier. */
    public synchronized SupervisedService supervise(ServiceProcess.Spec spec, RestartBackoff backoff,
                                                    java.util.function.Consumer<SupervisedService.Snapshot> onChange) {
        if (closed) {
            throw new LocalStackException("stopping: " + spec.name() + " not started");
        }
        SupervisedService s = SupervisedService.start(spec, backoff, out, onChange);
        started.push(s);
        return s;
    }

    private final java.util.Map<String, StackState.Service> services = new java.util.HashMap<>();

    /** Records (or replaces) what state.json says about a service, and writes the state. */
    public void putService(StackState.Service service) {
        StackState s;
        synchronized (this) {
            if (closed) {
                return; // the hook is deleting state.json: do not write it again
            }
            services.put(service.name(), service);
            s = state();
        }
        onProgress.accept(s);
    }

    public synchronized java.util.Optional<StackState.Service> service(String name) {
        return java.util.Optional.ofNullable(services.get(name));
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void startKafka() {
        long t0 = System.nanoTime();
        if (cfg.kafkaExternal()) {
            String b = cfg.kafkaBootstrapServers();
            Health.Probe probe = Health.kafka(b, PROBE_TIMEOUT_MILLIS);
            if (!probe.healthy()) {
                throw new LocalStackException("Kafka at " + b + " (" + LocalStackConfig.KAFKA_BOOTSTRAP_SERVERS
                        + ") is unreachable: " + probe.detail() + "; start it or unset "
                        + LocalStackConfig.KAFKA_BOOTSTRAP_SERVERS + " to use the embedded broker");
            }
            Health.createTopics(b, cfg.kafkaPartitions(), cfg.kafkaReplicationFactor(), Topics.ALL);
            String first = b.split(",")[0];
            String host = first.substring(0, first.lastIndexOf(':'));
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            add(new StackState.Part(StackState.KAFKA, "external", host, port, b, null, null, -1));
            ready(StackState.KAFKA, b, "external, " + LocalStackConfig.KAFKA_BOOTSTRAP_SERVERS + "; topics ensured", t0);
            return;
        }
        Chosen port = kafkaPort;
        EmbeddedKafka kafka = track(EmbeddedKafka.start(cfg.home().resolve("kafka"), cfg.bindHost(), port.port(),
                cfg.kafkaPartitions(), Map.of()));
        kafka.createDesignTopics(cfg.kafkaPartitions());
        add(new StackState.Part(StackState.KAFKA, "embedded", host(kafka.bootstrapServers()), kafka.port(),
                kafka.bootstrapServers(), null, null, ProcessHandle.current().pid()));
        ready(StackState.KAFKA, kafka.bootstrapServers(), "embedded KRaft broker, " + Topics.ALL.size() + " topics x "
                + cfg.kafkaPartitions() + " partitions" + port.note(), t0);
    }

    private void startPostgres() {
        long t0 = System.nanoTime();
        if (cfg.postgresExternal()) {
            Health.Probe probe = Health.postgres(cfg.postgresHost(), cfg.postgresPort(), cfg.postgresDb(), cfg.postgresUser(),
                    cfg.postgresPassword(), PROBE_TIMEOUT_MILLIS / 1000);
            String where = cfg.postgresHost() + ":" + cfg.postgresPort() + "/" + cfg.postgresDb();
            if (!probe.healthy()) {
                throw new LocalStackException("PostgreSQL at " + where + " (" + LocalStackConfig.POSTGRES_HOST + ") is unreachable: "
                        + probe.detail() + "; start it, fix POSTGRES_* or unset " + LocalStackConfig.POSTGRES_HOST
                        + " to use the embedded PostgreSQL");
            }
            String url = "jdbc:postgresql://" + cfg.postgresHost() + ":" + cfg.postgresPort() + "/" + cfg.postgresDb();
            add(new StackState.Part(StackState.POSTGRES, "external", cfg.postgresHost(), cfg.postgresPort(), url,
                    cfg.postgresDb(), cfg.postgresUser(), -1));
            ready(StackState.POSTGRES, where, "external, " + probe.detail(), t0);
            return;
        }
        Chosen port = postgresPort;
        // Stopped by close(), after the services (up's shutdown hook), never by a hook of its own.
        EmbeddedPostgres pg = track(EmbeddedPostgres.start(cfg.home().resolve("postgres"), cfg.bindHost(), port.port(),
                cfg.postgresDb(), false));
        pg.ensureUser(cfg.postgresUser(), cfg.postgresPassword());
        add(new StackState.Part(StackState.POSTGRES, "embedded", pg.host(), pg.port(), pg.jdbcUrl(), pg.database(),
                cfg.postgresUser(), pg.pid()));
        ready(StackState.POSTGRES, pg.host() + ":" + pg.port() + "/" + pg.database(),
                "embedded PostgreSQL 18, user " + cfg.postgresUser() + port.note(), t0);
    }

    private void startRedis() {
        long t0 = System.nanoTime();
        if (cfg.redisExternal()) {
            Health.Probe probe = Health.redis(cfg.redisHost(), cfg.redisPort(), PROBE_TIMEOUT_MILLIS);
            String where = cfg.redisHost() + ":" + cfg.redisPort();
            if (!probe.healthy()) {
                throw new LocalStackException("Redis at " + where + " (" + LocalStackConfig.REDIS_HOST + ") is unreachable: "
                        + probe.detail() + "; start it or unset " + LocalStackConfig.REDIS_HOST + " to use the embedded Redis");
            }
            add(new StackState.Part(StackState.REDIS, "external", cfg.redisHost(), cfg.redisPort(), "redis://" + where, null, null, -1));
            ready(StackState.REDIS, where, "external", t0);
            return;
        }
        Chosen port = redisPort;
        EmbeddedRedis redis = track(EmbeddedRedis.start(cfg.bindHost(), port.port()));
        add(new StackState.Part(StackState.REDIS, "embedded", redis.host(), redis.port(), redis.uri(), null, null, redis.pid()));
        ready(StackState.REDIS, redis.host() + ":" + redis.port(), redis.executable() + port.note(), t0);
    }

    private Chosen kafkaPort;
    private Chosen postgresPort;
    private Chosen redisPort;

    /** Checks every requested port before anything starts, so a taken port fails in a second, not after Kafka. */
    private void planPorts() {
        List<String> taken = new ArrayList<>();
        if (!cfg.kafkaExternal()) {
            kafkaPort = choosePort(StackState.KAFKA, cfg.kafkaPort(), cfg.kafkaPortSet(), LocalStackConfig.KAFKA_PORT, taken);
        }
        if (!cfg.postgresExternal()) {
            postgresPort = choosePort(StackState.POSTGRES, cfg.postgresPort(), cfg.postgresPortSet(), LocalStackConfig.POSTGRES_PORT, taken);
        }
        if (!cfg.redisExternal()) {
            redisPort = choosePort(StackState.REDIS, cfg.redisPort(), cfg.redisPortSet(), LocalStackConfig.REDIS_PORT, taken);
        }
        if (!taken.isEmpty()) {
            throw new LocalStackException(String.join("; ", taken));
        }
    }

    /** The port a part must use (the user asked for it) or should use (the default, unless taken). */
    record Chosen(int port, String note) {}

    private Chosen choosePort(String part, int wanted, boolean userSet, String variable, List<String> taken) {
        if (FreePorts.isFree(cfg.bindHost(), wanted)) {
            return new Chosen(wanted, "");
        }
        if (userSet) {
            taken.add(part + ": port " + wanted + " (" + variable + ") is already in use on "
                    + cfg.bindHost() + ": stop what listens there or set " + variable + " to a free port");
            return null;
        }
        int free = FreePorts.pick();
        return new Chosen(free, "; default port " + wanted + " is taken, using " + free + " (set " + variable + " to choose)");
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    private synchronized <T extends AutoCloseable> T track(T part) {
        started.push(part);
        return part;
    }

    private synchronized void add(StackState.Part part) {
        parts.add(part);
        onProgress.accept(state());
    }

    private void ready(String part, String where, String what, long t0) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        String line = String.format("stockpipe: %-10s ready at %s (%s) in %.1f s", part, where, what, seconds);
        out.println(line);
        LOG.info(line);
    }

    /**
     * Stops everything this stack started, newest first. Service processes started one after another stop
     * together (they do not depend on each other, and each may spend seconds writing its class-data archive),
     * always before the Kafka, PostgreSQL and Redis they use.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> processes = new ArrayList<>();
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            if (c instanceof ServiceProcess || c instanceof SupervisedService) {
                processes.add(c);
                continue;
            }
            closeTogether(processes);
            closeQuietly(c);
        }
        closeTogether(processes);
    }

    private static void closeTogether(List<AutoCloseable> batch) {
        List<Thread> threads = new ArrayList<>();
        for (AutoCloseable c : batch) {
            threads.add(new Thread(() -> closeQuietly(c), "stockpipe-stop"));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        batch.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    Path home() {
        return cfg.home();
    }
}
