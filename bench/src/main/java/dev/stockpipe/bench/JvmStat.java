package dev.stockpipe.bench;

import java.lang.reflect.Method;

/**
 * Heap and GC counters of another local JVM read from its hsperfdata (what jstat reads), in-process and
 * cheap enough to sample every half second; starting jstat per sample would cost more CPU than some of
 * the services under test. Needs {@code --add-exports jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED}
 * on the bench JVM; without it {@link #attach} returns null and callers fall back to /metrics.
 * Reflection, because javac --release 17 refuses to compile against a non-exported JDK package.
 */
final class JvmStat implements AutoCloseable {
    /** lastPausesMs[c] = the last completed pause of collector c; lastExits[c] changes when a new one completed. */
    record Sample(double heapUsedMb, double heapMaxMb, long gcCount, double gcTimeMs, long[] lastExits, double[] lastPausesMs) {}

    private final Object host;
    private final Object vm;
    private final Method findByName;
    private final Method getValue;
    private final Method detach;
    private final double ticksPerMs;

    private JvmStat(Object host, Object vm, Method findByName, Method getValue, Method detach, double ticksPerMs) {
        this.host = host;
        this.vm = vm;
        this.findByName = findByName;
        this.getValue = getValue;
        this.detach = detach;
        this.ticksPerMs = ticksPerMs;
    }

    /** Attaches to the JVM with this pid, or returns null when its perf data cannot be read. */
    static JvmStat attach(long pid) {
        try {
            Class<?> hostClass = Class.forName("sun.jvmstat.monitor.MonitoredHost");
            Class<?> vmIdClass = Class.forName("sun.jvmstat.monitor.VmIdentifier");
            Class<?> vmClass = Class.forName("sun.jvmstat.monitor.MonitoredVm");
            Class<?> monitorClass = Class.forName("sun.jvmstat.monitor.Monitor");
            Object host = hostClass.getMethod("getMonitoredHost", String.class).invoke(null, "localhost");
            Object vmId = vmIdClass.getConstructor(String.class).newInstance("//" + pid);
            Object vm = hostClass.getMethod("getMonitoredVm", vmIdClass).invoke(host, vmId);
            Method find = vmClass.getMethod("findByName", String.class);
            Method value = monitorClass.getMethod("getValue");
            Method detach = hostClass.getMethod("detach", vmClass);
            JvmStat s = new JvmStat(host, vm, find, value, detach, 1.0);
            long freq = s.counter("sun.os.hrt.frequency");
            return new JvmStat(host, vm, find, value, detach, freq > 0 ? freq / 1000.0 : 1e6);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    Sample sample() {
        long used = 0;
        long max = 0;
        for (int gen = 0; gen < 2; gen++) {
            max += Math.max(0, counter("sun.gc.generation." + gen + ".maxCapacity"));
            for (int space = 0; space < 3; space++) {
                used += Math.max(0, counter("sun.gc.generation." + gen + ".space." + space + ".used"));
            }
        }
        long count = 0;
        long time = 0;
        long[] inv = new long[3];
        long[] exits = new long[3];
        double[] pauses = new double[3];
        for (int c = 0; c < 3; c++) {
            inv[c] = counter("sun.gc.collector." + c + ".invocations");
            if (inv[c] < 0) {
                continue;
            }
            count += inv[c];
            time += Math.max(0, counter("sun.gc.collector." + c + ".time"));
            long entry = counter("sun.gc.collector." + c + ".lastEntryTime");
            long exit = counter("sun.gc.collector." + c + ".lastExitTime");
            exits[c] = exit;
            pauses[c] = exit >= entry && entry > 0 ? (exit - entry) / ticksPerMs : 0;
        }
        return new Sample(used / 1048576.0, max / 1048576.0, count, time / ticksPerMs, exits, pauses);
    }

    /** The counter's value, -1 when this JVM has no such counter. */
    private long counter(String name) {
        try {
            Object m = findByName.invoke(vm, name);
            if (m == null) {
                return -1;
            }
            Object v = getValue.invoke(m);
            return v instanceof Number ? ((Number) v).longValue() : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            detach.invoke(host, vm);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the process may be gone already; nothing to release then
        }
    }
}
