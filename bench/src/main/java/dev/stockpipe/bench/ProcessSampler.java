package dev.stockpipe.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples RSS and CPU (from /proc) and, for JVMs, heap and GC (hsperfdata, else the service's /metrics) of
 * each tracked process every {@link #INTERVAL}, between {@link #start} and {@link #stop}. CPU and RSS cover
 * the process and its children (PostgreSQL backends; shared buffers are then counted once per backend), except
 * children tracked on their own rows.
 */
final class ProcessSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);
    static final Duration INTERVAL = Duration.ofMillis(500);
    /** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
    private static final double CLOCK_TICKS = 100.0;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final class Target {
        final String name;
        final long pid;
        final String metricsUrl;
        final JvmStat jvm;
        double rssPeak;
        double rssSum;
        int samples;
        double cpuStart = -1;
        double cpuLast;
        long t0;
        long tLast;
        double heapPeak = Double.NaN;
        double heapMax = Double.NaN;
        long gc0 = -1;
        long gcLast;
        double gcTime0;
        double gcTimeLast;
        double gcMaxPause;
        String heapSource = "n/a";
        long[] lastExits;

        Target(String name, long pid, boolean isJvm, String metricsUrl) {
            this.name = name;
            this.pid = pid;
            this.metricsUrl = metricsUrl;
            this.jvm = isJvm ? JvmStat.attach(pid) : null;
        }
    }

    private final String phase;
    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private Thread thread;

    ProcessSampler(String phase) {
        this.phase = phase;
    }

    /** Tracks a process; for a JVM give its /metrics URL (or null) as the fallback source of heap and GC figures. */
    ProcessSampler track(String name, long pid, boolean isJvm, String metricsUrl) {
        if (pid > 0) {
            targets.add(new Target(name, pid, isJvm, metricsUrl));
        }
        return this;
    }

    ProcessSampler start() {
        running = true;
        for (Target t : targets) {
            sample(t);
        }
        thread = new Thread(this::loop, "process-sampler-" + phase);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            for (Target t : targets) {
                sample(t);
            }
        }
    }

    /** Stops sampling and returns one line per process. */
    List<ProcStats> stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Target t : targets) {
            sample(t);
        }
        List<ProcStats> out = new ArrayList<>();
        for (Target t : targets) {
            double wallS = (t.tLast - t.t0) / 1e9;
            double cpu = t.cpuStart < 0 || wallS <= 0 ? Double.NaN : 100.0 * (t.cpuLast - t.cpuStart) / wallS;
            long gcCount = t.gc0 < 0 ? -1 : t.gcLast - t.gc0;
            double gcTime = t.gc0 < 0 ? Double.NaN : t.gcTimeLast - t.gcTime0;
            out.add(new ProcStats(t.name, t.pid, phase, t.rssPeak, t.samples == 0 ? Double.NaN : t.rssSum / t.samples, cpu,
                    t.heapPeak, t.heapMax, gcCount, gcTime, t.gc0 < 0 ? Double.NaN : t.gcMaxPause, t.heapSource));
        }
        return out;
    }

    private void sample(Target t) {
        long now = System.nanoTime();
        List<Long> pids = new ArrayList<>();
        pids.add(t.pid);
        java.util.Set<Long> tracked = new java.util.HashSet<>();
        targets.forEach(o -> tracked.add(o.pid));
        ProcessHandle.of(t.pid).ifPresent(h -> h.descendants().forEach(d -> {
            if (!inTrackedSubtree(d, t.pid, tracked)) {
                pids.add(d.pid());
            }
        }));
        double rss = 0;
        double cpu = 0;
        boolean alive = false;
        for (long pid : pids) {
            double[] v = readProc(pid);
            if (v != null) {
                alive = true;
                rss += v[0];
                cpu += v[1];
            }
        }
        if (!alive) {
            return;
        }
        if (t.cpuStart < 0) {
            t.cpuStart = cpu;
            t.t0 = now;
        }
        t.cpuLast = cpu;
        t.tLast = now;
        t.rssPeak = Math.max(t.rssPeak, rss);
        t.rssSum += rss;
        t.samples++;
        if (t.jvm != null) {
            JvmStat.Sample s = t.jvm.sample();
            t.heapSource = "hsperfdata";
            // Only a collector whose last pause ended since the previous sample paused in this phase.
            double pause = 0;
            if (t.lastExits != null) {
                for (int c = 0; c < s.lastExits().length; c++) {
                    if (s.lastExits()[c] != t.lastExits[c]) {
                        pause = Math.max(pause, s.lastPausesMs()[c]);
                    }
                }
            }
            t.lastExits = s.lastExits();
            gc(t, s.heapUsedMb(), s.heapMaxMb(), s.gcCount(), s.gcTimeMs(), pause);
        } else if (t.metricsUrl != null) {
            scrape(t);
        }
    }

    private static void gc(Target t, double heapUsed, double heapMax, long gcCount, double gcTimeMs, double lastPauseMs) {
        t.heapPeak = Double.isNaN(t.heapPeak) ? heapUsed : Math.max(t.heapPeak, heapUsed);
        t.heapMax = heapMax;
        if (t.gc0 < 0) {
            t.gc0 = gcCount;
            t.gcTime0 = gcTimeMs;
        } else {
            t.gcMaxPause = Math.max(t.gcMaxPause, lastPauseMs);
        }
        t.gcLast = gcCount;
        t.gcTimeLast = gcTimeMs;
    }

    /** Micrometer's JVM binders: jvm_memory_used_bytes{area="heap"}, jvm_gc_pause_seconds_{count,sum,max}. */
    private static void scrape(Target t) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(t.metricsUrl)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return;
            }
            double used = 0;
            double max = 0;
            long count = 0;
            double sum = 0;
            double pauseMax = 0;
            boolean any = false;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                double v = lastNumber(line);
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += v;
                    any = true;
                } else if (line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\"") && v > 0) {
                    max += v;
                } else if (line.startsWith("jvm_gc_pause_seconds_count{")) {
                    count += (long) v;
                } else if (line.startsWith("jvm_gc_pause_seconds_sum{")) {
                    sum += v;
                } else if (line.startsWith("jvm_gc_pause_seconds_max{")) {
                    pauseMax = Math.max(pauseMax, v);
                }
            }
            if (any) {
                t.heapSource = "/metrics";
                gc(t, used / 1048576.0, max / 1048576.0, count, sum * 1000, pauseMax * 1000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("scraping {} failed: {}", t.metricsUrl, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double lastNumber(String line) {
        int sp = line.lastIndexOf(' ');
        try {
            return Double.parseDouble(line.substring(sp + 1).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A descendant that is (or runs under) another tracked process is counted there, not here: the bench JVM
     * starts every service, and counting their CPU again under "bench" doubled the machine's total.
     */
    static boolean inTrackedSubtree(ProcessHandle d, long root, java.util.Set<Long> tracked) {
        java.util.Optional<ProcessHandle> p = java.util.Optional.of(d);
        while (p.isPresent() && p.get().pid() != root) {
            if (tracked.contains(p.get().pid())) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }

    /** {RSS in MB, CPU seconds (user + system)} of one pid, or null when it is gone. */
    static double[] readProc(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces: fields are counted after its closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
            double rssMb = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssMb = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    break;
                }
            }
            return new double[] {rssMb, cpu};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        for (Target t : targets) {
            if (t.jvm != null) {
                t.jvm.close();
            }
        }
    }
}
