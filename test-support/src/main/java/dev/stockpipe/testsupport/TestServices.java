package dev.stockpipe.testsupport;

import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * The real Kafka, PostgreSQL and Redis of this test JVM: each started lazily on first use, on free
 * loopback ports, with data in a temporary directory, and stopped (in reverse order) by a JVM
 * shutdown hook or by {@link TestStackExtension} at the end of the test run.
 *
 * <p>Kafka gets every DESIGN.md topic with {@value #PARTITIONS} partitions (fewer than the local
 * stack's 6, to keep tests light); tests should still create and use topics named by
 * {@link TestNames#unique} so they do not see each other's records.
 */
public final class TestServices {
    private TestServices() {}

    /** Partitions of the DESIGN topics and of auto-created topics in tests. */
    public static final int PARTITIONS = 3;

    private static final Object LOCK = new Object();
    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();
    private static Path root;
    private static EmbeddedKafka kafka;
    private static EmbeddedPostgres postgres;
    private static EmbeddedRedis redis;
    private static boolean hookInstalled;

    public static EmbeddedKafka kafka() {
        synchronized (LOCK) {
            if (kafka == null) {
                EmbeddedKafka k = EmbeddedKafka.start(dir("kafka"), 0, PARTITIONS);
                register(k);
                k.createDesignTopics(PARTITIONS);
                kafka = k;
            }
            return kafka;
        }
    }

    public static EmbeddedPostgres postgres() {
        synchronized (LOCK) {
            if (postgres == null) {
                postgres = register(EmbeddedPostgres.start(dir("postgres"), 0));
            }
            return postgres;
        }
    }

    public static EmbeddedRedis redis() {
        synchronized (LOCK) {
            if (redis == null) {
                redis = register(EmbeddedRedis.start(0));
            }
            return redis;
        }
    }

    /** Stops everything started so far, newest first; the next call to a getter starts it again. */
    public static void closeAll() {
        synchronized (LOCK) {
            while (!STARTED.isEmpty()) {
                try {
                    STARTED.pop().close();
                } catch (Exception e) {
                    System.err.println("test-support: closing a test service failed: " + e);
                }
            }
            kafka = null;
            postgres = null;
            redis = null;
            deleteRoot();
        }
    }

    private static <T extends AutoCloseable> T register(T service) {
        STARTED.push(service);
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestServices::closeAll, "test-services-shutdown"));
            hookInstalled = true;
        }
        return service;
    }

    private static Path dir(String part) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("stockpipe-test-");
            }
            return Files.createDirectories(root.resolve(part));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for test services", e);
        }
    }

    private static void deleteRoot() {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("test-support: cannot delete " + root + ": " + e);
        }
        root = null;
    }
}
