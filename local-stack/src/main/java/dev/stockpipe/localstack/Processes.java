package dev.stockpipe.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stopping processes found by PID, without killing a stranger that reused the PID. */
public final class Processes {
    private Processes() {}

    /**
     * The live process with this PID whose executable contains commandPart and whose command line
     * contains marker (a data directory, a port, a main class), if any. PIDs are reused quickly on a
     * busy machine, so both must match before anyone sends it a signal; a zombie matches neither.
     */
    public static Optional<ProcessHandle> find(long pid, String commandPart, String marker) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains(commandPart)).orElse(false))
                .filter(p -> marker == null || rawCommandLine(p).contains(marker));
    }

    /** /proc/PID/cmdline as one line; it shows rewritten titles (redis-server host:port) that ProcessHandle.Info does not. */
    public static String rawCommandLine(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /** SIGTERM, wait up to grace, then SIGKILL. Returns true when the process is gone. */
    public static boolean stop(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        process.destroyForcibly();
        return awaitExit(process, Duration.ofSeconds(5));
    }

    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
