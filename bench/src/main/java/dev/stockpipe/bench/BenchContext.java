package dev.stockpipe.bench;

import dev.stockpipe.localstack.FreePorts;
import dev.stockpipe.localstack.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a flow needs from the run: the repository root (to find the modules' classes and classpath.txt),
 * the report directory, a scratch directory, the mode, and a stack of AutoCloseables closed in reverse order
 * when the flow ends (or from the shutdown hook), so no broker, server or child JVM outlives the bench.
 */
final class BenchContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BenchContext.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path root;
    final Path outDir;
    final Path workDir;
    final Path logDir;
    final boolean quick;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    BenchContext(Path root, Path outDir, boolean quick) {
        this.root = root;
        this.outDir = outDir;
        this.quick = quick;
        try {
            this.workDir = Files.createTempDirectory("stockpipe-bench-");
            this.logDir = outDir.resolve("logs");
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Closes everything owned so far, newest first; the context stays usable for the next flow. */
    synchronized void closeOwned() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception | LinkageError e) {
                LOG.warn("closing {} failed: {}", r, e.toString());
            }
        }
        // Safety net: no child process of this JVM outlives a flow (our own children only, by pid).
        ProcessHandle.current().children().forEach(ProcessHandle::destroy);
    }

    /** A module's main as its own process: java -Xmx.. -cp module/target/classes:classpath.txt main. */
    ServiceProcess startModule(String name, String module, String mainClass, String heap, Map<String, String> env,
                               List<String> args) {
        Path dir = root.resolve(module);
        if (!Files.exists(dir.resolve("target/classpath.txt")) || !Files.isDirectory(dir.resolve("target/classes"))) {
            throw new BenchException(module + " is not built (no " + dir.resolve("target/classpath.txt")
                    + "): run `mvn -q -B -pl " + module + " -am package -DskipTests` first");
        }
        ServiceProcess p = ServiceProcess.start(ServiceProcess.Spec.javaModule(name, dir, mainClass, heap, env, logDir, args));
        return own(p);
    }

    /** Waits until url answers 200, failing early (with the end of its log) when the process dies. */
    void awaitHttpOk(ServiceProcess p, String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new BenchException(p.name() + " exited during startup; end of " + p.logFile() + ":\n" + tail(p.logFile(), 15));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted waiting for " + url);
            }
            sleep(200);
        }
        throw new BenchException(p.name() + " not healthy at " + url + " within " + timeout.toSeconds() + " s (" + last
                + "); end of log:\n" + tail(p.logFile(), 15));
    }

    static int freePort() {
        return FreePorts.pick();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    @Override
    public void close() {
        closeOwned();
        deleteQuietly(workDir);
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
