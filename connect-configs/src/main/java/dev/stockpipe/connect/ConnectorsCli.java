package dev.stockpipe.connect;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Operator commands of connect-configs, run by {@code ./stockpipe}: {@code migrate}, {@code connectors
 * apply|status|delete}, {@code replay}, {@code backfill}. Exit code 0 on success, 1 when the operation
 * found problems (invalid config, failed connector), 2 on bad usage or configuration.
 */
@Command(name = "stockpipe", mixinStandardHelpOptions = true,
        description = "stockpipe connect-configs operator commands",
        subcommands = {ConnectorsCli.Migrate.class, ConnectorsCli.Connectors.class,
                ReplayCommand.class, BackfillCommand.class})
public final class ConnectorsCli {
    /** Kafka Connect REST base URL. */
    public static final String CONNECT_URL = "CONNECT_URL";
    public static final String DEFAULT_CONNECT_URL = "http://127.0.0.1:8083";

    private ConnectorsCli() {}

    public static void main(String[] args) {
        // Before any logger exists: the CLI prints its own results; libraries only warn.
        System.setProperty("stockpipe.log.level", System.getProperty("stockpipe.log.level", "WARN"));
        System.exit(run(System.getenv(), System.out, System.err, args));
    }

    /** Runs one command line against an environment; the entry point tests use. */
    public static int run(Map<String, String> env, PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new ConnectorsCli(), new EnvFactory(env, out));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("error: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }

    static URI connectUrl(Map<String, String> env) {
        String u = env.getOrDefault(CONNECT_URL, "");
        return URI.create(u.isBlank() ? DEFAULT_CONNECT_URL : u.trim());
    }

    /** Gives every command the environment and output stream, instead of letting them read globals. */
    record EnvFactory(Map<String, String> env, PrintStream out) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (EnvAware.class.isAssignableFrom(cls)) {
                K k = cls.getDeclaredConstructor().newInstance();
                ((EnvAware) k).init(env, out);
                return k;
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /** A command that receives the environment map and output stream before it runs. */
    abstract static class EnvAware {
        Map<String, String> env;
        PrintStream out;

        void init(Map<String, String> env, PrintStream out) {
            this.env = env;
            this.out = out;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Apply the Flyway migrations (schema market_data_oltp) to POSTGRES_HOST/PORT/DB/USER/PASSWORD.")
    static final class Migrate extends EnvAware implements Callable<Integer> {
        @Override
        public Integer call() {
            PostgresConfig pg = PostgresConfig.fromEnv(env);
            Migrations.Report r = Migrations.migrate(pg);
            out.printf("migrated %s: %d migration(s) applied, schema %s at version %s%n",
                    r.target(), r.applied(), Migrations.SCHEMA, r.schemaVersion());
            return 0;
        }
    }

    @Command(name = "connectors", mixinStandardHelpOptions = true,
            description = "Manage the JDBC sink connectors on the Connect worker at CONNECT_URL.",
            subcommands = {Apply.class, Status.class, Delete.class})
    static final class Connectors {
    }

    abstract static class FilesCommand extends EnvAware {
        @Parameters(arity = "0..*", paramLabel = "FILE",
                description = "connector JSON files (default: stock-trades-sink.json and stock-bars-sink.json)")
        List<Path> files = new ArrayList<>();

        @Option(names = "--dir", description = "directory of the default files (default: CONNECT_CONFIGS_DIR or the module)")
        Path dir;

        List<ConnectorConfigFile> load() {
            List<Path> paths = files.isEmpty()
                    ? ConnectorConfigFile.defaultFiles(dir != null ? dir : ConnectorConfigFile.defaultDirectory(env))
                    : files;
            List<ConnectorConfigFile> loaded = new ArrayList<>();
            for (Path p : paths) {
                loaded.add(ConnectorConfigFile.load(p));
            }
            return loaded;
        }

        ConnectorsApplier applier() {
            return new ConnectorsApplier(new ConnectRestClient(connectUrl(env)), out);
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Validate every file with Connect, then create or update each connector and print its state.")
    static final class Apply extends FilesCommand implements Callable<Integer> {
        @Option(names = "--validate-only", description = "print Connect's verdict and change nothing")
        boolean validateOnly;

        @Option(names = "--wait", defaultValue = "60", description = "seconds to wait for RUNNING (default ${DEFAULT-VALUE})")
        int waitSeconds;

        @Option(names = "--await-worker", defaultValue = "0", paramLabel = "SECONDS",
                description = "wait up to this long for the worker's REST API to answer before applying (default ${DEFAULT-VALUE}: fail at once)")
        int awaitWorkerSeconds;

        @Override
        public Integer call() {
            List<ConnectorConfigFile> loaded = load();
            if (awaitWorkerSeconds > 0 && !awaitWorker(new ConnectRestClient(connectUrl(env), Duration.ofSeconds(5)),
                    Duration.ofSeconds(awaitWorkerSeconds), out)) {
                out.println("Kafka Connect at " + connectUrl(env) + " did not answer within " + awaitWorkerSeconds + " s; nothing applied");
                return 1;
            }
            ConnectorsApplier a = applier();
            boolean ok = validateOnly ? a.validateAll(loaded) : a.apply(loaded, Duration.ofSeconds(waitSeconds));
            return ok ? 0 : 1;
        }
    }

    /**
     * Polls GET /connectors: it answers only once the herder has joined its group and read the config topic, so
     * started together with the worker (as {@code up} does) the CLI's own JVM start overlaps the worker's.
     */
    static boolean awaitWorker(ConnectRestClient client, Duration timeout, PrintStream out) {
        boolean[] said = {false};
        try {
            return Poll.until(() -> {
                try {
                    client.connectors();
                    return true;
                } catch (ConnectRestException e) {
                    if (!said[0]) {
                        out.println("waiting for Kafka Connect at " + client.base() + " (" + e.getMessage() + ")");
                        said[0] = true;
                    }
                    return false;
                }
            }, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Print connector and task state.")
    static final class Status extends FilesCommand implements Callable<Integer> {
        @Option(names = "--name", description = "connector names (default: those of the files)")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> targets = new ArrayList<>(names);
            if (targets.isEmpty()) {
                load().forEach(f -> targets.add(f.name()));
            }
            ConnectorsApplier a = applier();
            boolean ok = true;
            for (String n : targets) {
                ok &= a.printStatus(n);
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete the connectors (their committed offsets stay with Kafka).")
    static final class Delete extends FilesCommand implements Callable<Integer> {
        @Option(names = "--yes", description = "really delete")
        boolean yes;

        @Override
        public Integer call() {
            List<ConnectorConfigFile> loaded = load();
            if (!yes) {
                loaded.forEach(f -> out.printf("would delete %s (pass --yes)%n", f.name()));
                return 0;
            }
            ConnectorsApplier a = applier();
            loaded.forEach(f -> a.delete(f.name()));
            return 0;
        }
    }
}
