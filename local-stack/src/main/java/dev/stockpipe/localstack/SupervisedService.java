package dev.stockpipe.localstack;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServiceProcess} that is started again when it exits on its own, after a {@link RestartBackoff}
 * delay that {@link #close()} interrupts. Every start and crash is reported to the user, logged and
 * passed to onChange (which rewrites state.json, so {@code status} sees restarts).
 */
public final class SupervisedService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedService.class);

    public enum State { RUNNING, RESTARTING, STOPPED }

    /** What status shows about this service. */
    public record Snapshot(String name, long pid, State state, int restarts, String lastExit) {}

    private final ServiceProcess.Spec spec;
    private final RestartBackoff backoff;
    private final PrintStream out;
    private final Consumer<Snapshot> onChange;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread watcher;

    private volatile ServiceProcess current;
    private volatile State state = State.RUNNING;
    private volatile int restarts;
    private volatile String lastExit;
    private volatile Instant startedAt;

    private SupervisedService(ServiceProcess.Spec spec, RestartBackoff backoff, PrintStream out, Consumer<Snapshot> onChange) {
        this.spec = spec;
        this.backoff = backoff;
        this.out = out;
        this.onChange = onChange;
        this.watcher = new Thread(this::watch, "supervise-" + spec.name());
        this.watcher.setDaemon(true);
    }

    /** Starts the process now (a failure to exec is thrown) and watches it from then on. */
    public static SupervisedService start(ServiceProcess.Spec spec, RestartBackoff backoff, PrintStream out,
                                          Consumer<Snapshot> onChange) {
        SupervisedService s = new SupervisedService(spec, backoff, out, onChange);
        s.current = ServiceProcess.start(spec);
        s.startedAt = Instant.now();
        s.watcher.start();
        return s;
    }

    public String name() {
        return spec.name();
    }

    public long pid() {
        ServiceProcess p = current;
        return p == null ? -1 : p.pid();
    }

    public boolean isAlive() {
        ServiceProcess p = current;
        return p != null && p.isAlive();
    }

    public Snapshot snapshot() {
        return new Snapshot(spec.name(), pid(), state, restarts, lastExit);
    }

    private void watch() {
        while (stop.getCount() > 0) {
            int code;
            try {
                code = current.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (stop.getCount() == 0) {
                return; // close() stopped it: not a crash
            }
            Duration uptime = Duration.between(startedAt, Instant.now());
            lastExit = "exit " + code + describe(code) + " at " + Instant.now() + " after " + uptime.toSeconds() + " s";
            Duration delay = backoff.next(uptime);
            state = State.RESTARTING;
            String line = String.format("stockpipe: %-18s crashed (%s, pid %d); restarting in %.1f s (crash %d in a row), log %s",
                    spec.name(), lastExit, current.pid(), delay.toMillis() / 1000.0, backoff.consecutiveCrashes(), spec.logFile());
            out.println(line);
            LOG.warn(line);
            onChange.accept(snapshot());
            try {
                if (stop.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (stop.getCount() == 0) {
                    return;
                }
                try {
                    current = ServiceProcess.start(spec);
                    startedAt = Instant.now();
                    restarts++;
                    state = State.RUNNING;
                    String again = String.format("stockpipe: %-18s restarted (pid %d, restart %d)", spec.name(), current.pid(), restarts);
                    out.println(again);
                    LOG.info(again);
                } catch (LocalStackException e) {
                    // Exec itself failed (binary gone?): keep the dead process as current and retry after the next backoff.
                    lastExit = "restart failed: " + e.getMessage();
                    LOG.warn("{}: {}", spec.name(), lastExit);
                }
            }
            onChange.accept(snapshot());
        }
    }

    private static String describe(int code) {
        // 128 + n: killed by signal n (what a shell reports).
        if (code == 137) {
            return " (SIGKILL)";
        }
        if (code == 143) {
            return " (SIGTERM)";
        }
        return code > 128 && code < 160 ? " (signal " + (code - 128) + ")" : "";
    }

    /** Stops supervising, then stops the process (SIGTERM, SIGKILL after its grace) and its children. */
    @Override
    public void close() {
        synchronized (this) {
            stop.countDown();
        }
        watcher.interrupt();
        ServiceProcess p = current;
        if (p != null) {
            p.close();
        }
        state = State.STOPPED;
        try {
            watcher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
