package dev.stockpipe.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The stockpipe CLI: {@code up}, {@code status}, {@code down}. Run through the {@code ./stockpipe} launcher. */
@Command(name = "stockpipe", mixinStandardHelpOptions = true, version = "stockpipe 0.1.0",
        description = "Runs the stockpipe local stack: KRaft Kafka, PostgreSQL and Redis on this machine.",
        subcommands = {LocalStackMain.Up.class, LocalStackMain.Status.class, LocalStackMain.Down.class})
public final class LocalStackMain implements Callable<Integer> {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_CONFIG = 2;
    static final int EXIT_NOT_UP = 3;

    public static void main(String[] args) {
        int rc = run(args, System.getenv(), System.out, System.err);
        System.exit(rc);
    }

    /** Everything but System.exit, so tests can drive the CLI. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new LocalStackMain(), new Factory(env, out, err));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return EXIT_CONFIG;
    }

    /** Gives each subcommand the environment and streams, instead of reading globals below main. */
    private static final class Factory implements CommandLine.IFactory {
        private final Map<String, String> env;
        private final PrintStream out;
        private final PrintStream err;

        Factory(Map<String, String> env, PrintStream out, PrintStream err) {
            this.env = env;
            this.out = out;
            this.err = err;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (Base.class.isAssignableFrom(cls)) {
                K k = CommandLine.defaultFactory().create(cls);
                ((Base) k).init(env, out, err);
                return k;
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    abstract static class Base implements Callable<Integer> {
        Map<String, String> env;
        PrintStream out;
        PrintStream err;
        LocalStackConfig cfg;
        ServicesConfig services;

        void init(Map<String, String> env, PrintStream out, PrintStream err) {
            this.env = env;
            this.out = out;
            this.err = err;
        }

        @Override
        public final Integer call() {
            List<String> problems = new java.util.ArrayList<>();
            try {
                cfg = LocalStackConfig.fromEnv(env);
            } catch (LocalStackConfig.ConfigException e) {
                problems.addAll(e.problems());
            }
            try {
                services = ServicesConfig.fromEnv(env);
            } catch (LocalStackConfig.ConfigException e) {
                problems.addAll(e.problems());
            }
            if (!problems.isEmpty()) {
                for (String problem : problems) {
                    err.println("stockpipe: invalid configuration: " + problem);
                }
                return EXIT_CONFIG;
            }
            try {
                Files.createDirectories(cfg.logDir());
                Logs.toFile(cfg.logDir().resolve("local-stack.log"));
                return run();
            } catch (LocalStackException e) {
                err.println("stockpipe " + name() + ": " + e.getMessage());
                LoggerFactory.getLogger(getClass()).warn("{} failed", name(), e);
                return EXIT_FAILURE;
            } catch (IOException e) {
                err.println("stockpipe " + name() + ": cannot use " + cfg.home() + ": " + e.getMessage());
                return EXIT_FAILURE;
            }
        }

        abstract String name();

        abstract int run() throws IOException;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start Kafka, PostgreSQL and Redis (each unless configured as external) and stay in the foreground; Ctrl-C stops them.")
    static final class Up extends Base {
        private static final Logger LOG = LoggerFactory.getLogger(Up.class);

        @Option(names = "--clean", description = "Wipe the data under STOCKPIPE_HOME before starting.")
        boolean clean;

        @Override
        String name() {
            return "up";
        }

        @Override
        int run() throws IOException {
            Optional<StackState> previous = StackState.read(cfg.stateFile());
            if (previous.isPresent()) {
                StackState p = previous.get();
                if (Processes.find(p.pid(), "java", LocalStackMain.class.getName()).isPresent() && p.pid() != ProcessHandle.current().pid()) {
                    err.println("stockpipe up: already up (pid " + p.pid() + ", since " + p.startedAt()
                            + "): run `./stockpipe down` first, or `./stockpipe status`");
                    return EXIT_FAILURE;
                }
                out.println("stockpipe: cleaning up after a previous run that did not stop cleanly (pid " + p.pid() + ")");
                Down.stopLeftovers(p, out);
                Files.deleteIfExists(cfg.stateFile());
            }
            if (clean) {
                for (String dir : List.of("kafka", "postgres")) {
                    deleteTree(cfg.home().resolve(dir));
                }
                out.println("stockpipe: wiped data under " + cfg.home());
            }
            long t0 = System.nanoTime();
            Map<String, Integer> servicePorts = Pipeline.planPorts(services, cfg.bindHost(), out);
            LocalStack stack = new LocalStack(cfg, out);
            CountDownLatch stopped = new CountDownLatch(1);
            ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stack-monitor");
                t.setDaemon(true);
                return t;
            });
            // The hook is the one place that stops things: Ctrl-C, `down` (SIGTERM) and a failed start all end here.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                monitor.shutdownNow();
                out.println("stockpipe: stopping...");
                stack.close();
                try {
                    Files.deleteIfExists(cfg.stateFile());
                    Files.deleteIfExists(cfg.home().resolve("stack.env"));
                } catch (IOException e) {
                    LOG.warn("cannot delete state file: {}", e.toString());
                }
                out.println("stockpipe: stopped");
                stopped.countDown();
            }, "stockpipe-shutdown"));

            StackState state;
            List<String> summary;
            try {
                state = stack.start(partial -> partial.write(cfg.stateFile()));
                summary = new Pipeline(stack, cfg, services, env, out, servicePorts).start(state, t0);
                state = stack.state();
            } catch (RuntimeException | Error e) {
                // An Error too (e.g. a class file replaced by a rebuild under a running up): the broker's
                // non-daemon threads would otherwise keep a half-started stack alive.
                if (stack.isClosed()) {
                    awaitQuietly(stopped); // Ctrl-C during start: the hook is stopping everything
                    return 0;
                }
                // Stop what did start now, not only from the hook: run() may be called in-process.
                stack.close();
                Files.deleteIfExists(cfg.stateFile());
                throw e;
            }
            if (stack.isClosed()) {
                awaitQuietly(stopped);
                return 0;
            }
            state.write(cfg.stateFile());
            Files.writeString(cfg.home().resolve("stack.env"), state.toEnvFile());
            if (!summary.isEmpty()) {
                out.println("stockpipe: services (logs in " + cfg.logDir() + ", `./stockpipe status`, `./stockpipe logs <service>`):");
                summary.forEach(out::println);
            }
            out.printf("stockpipe: up in %.1f s (pid %d); state in %s, env in %s; Ctrl-C or `./stockpipe down` stops it%n",
                    (System.nanoTime() - t0) / 1e9, state.pid(), cfg.stateFile(), cfg.home().resolve("stack.env"));
            state.service(ServiceDef.WS_RELAY).filter(StackState.Service::started).ifPresent(r ->
                    out.println("open http://localhost:" + r.port()));
            monitor.scheduleWithFixedDelay(new Monitor(state, cfg, out), 10, 10, TimeUnit.SECONDS);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }

        private static void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Says once when a part stops answering and once when it is back. */
    static final class Monitor implements Runnable {
        private final StackState state;
        private final LocalStackConfig cfg;
        private final PrintStream out;
        private final Map<String, Boolean> healthy = new java.util.HashMap<>();

        Monitor(StackState state, LocalStackConfig cfg, PrintStream out) {
            this.state = state;
            this.cfg = cfg;
            this.out = out;
        }

        @Override
        public void run() {
            for (StackState.Part part : state.parts()) {
                Health.Probe probe = Status.probe(part, cfg);
                Boolean before = healthy.put(part.name(), probe.healthy());
                if (before != null && before != probe.healthy()) {
                    out.println("stockpipe: " + part.name() + " at " + part.endpoint()
                            + (probe.healthy() ? " is answering again" : " stopped answering: " + probe.detail()));
                }
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Connect to each part of the running stack and report its health (exit 0 = all healthy, 3 = not up).")
    static final class Status extends Base {
        @Option(names = "--no-rates", description = "Skip the message rates (they take two /metrics samples 1 s apart).")
        boolean noRates;

        boolean rates = true;

        @Override
        String name() {
            return "status";
        }

        @Override
        int run() {
            rates = !noRates;
            Optional<StackState> state = StackState.read(cfg.stateFile());
            if (state.isEmpty()) {
                out.println("stockpipe is not up (no " + cfg.stateFile() + "); start it with `./stockpipe up`");
                return EXIT_NOT_UP;
            }
            StackState s = state.get();
            boolean upAlive = Processes.find(s.pid(), "java", LocalStackMain.class.getName()).isPresent();
            out.println("stockpipe " + (upAlive ? "up" : "NOT RUNNING (stale state; `./stockpipe down` cleans up)")
                    + ", pid " + s.pid() + ", since " + s.startedAt());
            boolean allHealthy = upAlive;
            for (StackState.Part part : s.parts()) {
                Health.Probe probe = probe(part, cfg);
                allHealthy &= probe.healthy();
                out.printf("  %-18s %-8s %-45s %s, %s%n", part.name(), probe.healthy() ? "healthy" : "DOWN",
                        part.endpoint(), part.mode(), probe.detail());
            }
            allHealthy &= StatusReport.print(s, cfg, out, rates);
            return allHealthy ? 0 : EXIT_FAILURE;
        }

        static Health.Probe probe(StackState.Part part, LocalStackConfig cfg) {
            switch (part.name()) {
                case StackState.KAFKA:
                    return Health.kafka(part.endpoint(), 15_000); // a loaded 2-core machine needs the margin
                case StackState.POSTGRES:
                    return Health.postgres(part.host(), part.port(), part.database(), part.user(), cfg.postgresPassword(), 5);
                case StackState.REDIS:
                    return Health.redis(part.host(), part.port(), 2000);
                default:
                    return new Health.Probe(false, "unknown part " + part.name());
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop everything `up` started and leave no process behind.")
    static final class Down extends Base {
        /** Above the services' longest stop grace (50 s while recording class-data archives) plus the infrastructure. */
        private static final Duration UP_GRACE = Duration.ofSeconds(90);

        @Override
        String name() {
            return "down";
        }

        @Override
        int run() throws IOException {
            Optional<StackState> state = StackState.read(cfg.stateFile());
            if (state.isEmpty()) {
                out.println("stockpipe is not up (no " + cfg.stateFile() + "): nothing to stop");
                return 0;
            }
            StackState s = state.get();
            Optional<ProcessHandle> up = Processes.find(s.pid(), "java", LocalStackMain.class.getName());
            if (up.isPresent()) {
                out.println("stockpipe: stopping up (pid " + s.pid() + ")...");
                if (!Processes.stop(up.get(), UP_GRACE)) {
                    err.println("stockpipe down: pid " + s.pid() + " did not exit even after SIGKILL");
                    return EXIT_FAILURE;
                }
            }
            boolean clean = stopLeftovers(s, out);
            Files.deleteIfExists(cfg.stateFile());
            Files.deleteIfExists(cfg.home().resolve("stack.env"));
            if (!clean) {
                err.println("stockpipe down: some processes could not be stopped; see `ps` for the PIDs above");
                return EXIT_FAILURE;
            }
            out.println("stockpipe is down");
            return 0;
        }

        /** Stops child processes recorded in the state that outlived their up (e.g. after kill -9). */
        static boolean stopLeftovers(StackState s, PrintStream out) {
            boolean clean = true;
            // Services first (reverse start order), as up would have stopped them.
            List<StackState.Service> services = new java.util.ArrayList<>(s.services());
            java.util.Collections.reverse(services);
            for (StackState.Service svc : services) {
                Optional<ProcessHandle> leftover = Processes.find(svc.pid(), "java", svc.mainClass());
                if (leftover.isPresent()) {
                    out.println("stockpipe: stopping leftover " + svc.name() + " (pid " + svc.pid() + ")");
                    clean &= Processes.stop(leftover.get(), Duration.ofSeconds(20));
                }
            }
            for (StackState.Part part : s.parts()) {
                if (!part.embedded() || part.pid() <= 0 || part.pid() == s.pid()) {
                    continue;
                }
                boolean pg = StackState.POSTGRES.equals(part.name());
                // The postmaster's command line names its data directory; redis-server's title names host:port.
                Optional<ProcessHandle> leftover = pg
                        ? Processes.find(part.pid(), "postgres", Path.of(s.home(), "postgres").toString())
                        : Processes.find(part.pid(), "redis-server", ":" + part.port());
                if (leftover.isPresent()) {
                    out.println("stockpipe: stopping leftover " + part.name() + " (pid " + part.pid() + ")");
                    clean &= Processes.stop(leftover.get(), Duration.ofSeconds(20));
                }
            }
            return clean;
        }
    }
}
