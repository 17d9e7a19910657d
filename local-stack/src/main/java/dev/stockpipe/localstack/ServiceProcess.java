package dev.stockpipe.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised child process (a stockpipe service started by {@code up}), with its own heap and its
 * output in {@code logs/<name>.log}. Closing it stops it (SIGTERM, then SIGKILL after the grace period)
 * together with anything it started, so {@code up} never leaves a process behind.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceProcess.class);

    /** What to run: the command line, extra environment, where its output goes and how long it may take to stop. */
    public record Spec(String name, List<String> command, Map<String, String> env, Path logFile, Duration stopGrace) {
        public Spec {
            Objects.requireNonNull(name, "name");
            command = List.copyOf(command);
            env = Map.copyOf(env);
            Objects.requireNonNull(logFile, "logFile");
            Objects.requireNonNull(stopGrace, "stopGrace");
        }

        /**
         * A deployable module started as {@code java -Xmx<heap> -cp <module>/target/classes:<classpath.txt> main}
         * (the classpath file is written by the root pom's write-classpath execution at package).
         */
        public static Spec javaModule(String name, Path moduleDir, String mainClass, String heap,
                                      Map<String, String> env, Path logDir, List<String> args) {
            return javaModule(name, moduleDir, mainClass, heap, List.of(), env, logDir, args);
        }

        /** As above, with extra JVM options (e.g. -XX:TieredStopAtLevel=1 for short-lived commands). */
        public static Spec javaModule(String name, Path moduleDir, String mainClass, String heap, List<String> jvmOptions,
                                      Map<String, String> env, Path logDir, List<String> args) {
            return javaModule(name, moduleDir, mainClass, heap, jvmOptions, env, logDir, args, null);
        }

        /** As above; with {@code cdsDir} the JVM uses (or records at exit) a class-data archive kept there ({@link AppCds}). */
        public static Spec javaModule(String name, Path moduleDir, String mainClass, String heap, List<String> jvmOptions,
                                      Map<String, String> env, Path logDir, List<String> args, Path cdsDir) {
            Path cpFile = moduleDir.resolve("target/classpath.txt");
            String deps;
            try {
                deps = Files.readString(cpFile).trim();
            } catch (IOException e) {
                throw new LocalStackException(name + ": cannot read " + cpFile + " (" + e.getMessage()
                        + "): build it with `mvn -q -B install -DskipTests`");
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC"));
            cmd.addAll(jvmOptions);
            String classpath = moduleDir.resolve("target/classes") + File.pathSeparator + deps;
            List<String> cds = AppCds.options(cdsDir, name, AppCds.entries(classpath), List.copyOf(cmd.subList(1, cmd.size())));
            cmd.addAll(cds);
            cmd.addAll(List.of("-cp", classpath, mainClass));
            cmd.addAll(args);
            // A JVM recording its class-data archive writes tens of MB after its shutdown hooks, all services at
            // once at `down`: measured up to ~25 s on two cores, so it gets longer before SIGKILL (which drops it).
            Duration grace = AppCds.recording(cds).isPresent() ? RECORDING_STOP_GRACE : STOP_GRACE;
            return new Spec(name, cmd, env, logDir.resolve(name + ".log"), grace);
        }
    }

    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    static final Duration RECORDING_STOP_GRACE = Duration.ofSeconds(50);

    private final Spec spec;
    private final Process process;

    private ServiceProcess(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    public static ServiceProcess start(Spec spec) {
        try {
            Files.createDirectories(spec.logFile().getParent());
            ProcessBuilder pb = new ProcessBuilder(spec.command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(spec.env());
            Process p = pb.start();
            LOG.info("{} started (pid {}), log {}", spec.name(), p.pid(), spec.logFile());
            return new ServiceProcess(spec, p);
        } catch (IOException e) {
            throw new LocalStackException(spec.name() + " could not be started (" + e.getMessage() + ")", e);
        }
    }

    public String name() {
        return spec.name();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return spec.logFile();
    }

    /** Blocks until the process exits; returns its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Waits at most timeout; the exit code, or empty if it is still running. */
    public java.util.OptionalInt waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    /** Stops the process and its descendants; returns once they are gone. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        Processes.stop(process.toHandle(), spec.stopGrace());
        for (ProcessHandle child : children) {
            Processes.stop(child, Duration.ofSeconds(5));
        }
        if (process.isAlive()) {
            LOG.warn("{} (pid {}) is still alive after SIGKILL", spec.name(), process.pid());
        } else {
            LOG.info("{} stopped (pid {}, exit {})", spec.name(), process.pid(), exitValue());
            // Here, not in an onExit callback: up's JVM may halt right after this returns. A crashed recording
            // needs nothing: its restart (same spec) records into the same .partial again.
            AppCds.recording(spec.command()).ifPresent(partial -> AppCds.finish(partial, process.exitValue()));
        }
    }

    private String exitValue() {
        try {
            return Integer.toString(process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
