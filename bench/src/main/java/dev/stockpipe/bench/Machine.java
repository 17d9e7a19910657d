package dev.stockpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine, versions and load the run happened on; the load average is read at start and end. */
record Machine(String command, boolean quick, String startedAt, double seconds, String loadAtStart, String loadAtEnd,
               Map<String, Object> facts) {

    static Map<String, Object> collectFacts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu model", cpuModel());
        m.put("memory", memTotal());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("bench JVM max heap MB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("kafka-clients", pkgVersion(org.apache.kafka.clients.producer.KafkaProducer.class));
        m.put("lettuce", pkgVersion(io.lettuce.core.RedisClient.class));
        m.put("postgresql jdbc", pkgVersion(org.postgresql.Driver.class));
        m.put("HdrHistogram", pkgVersion(org.HdrHistogram.Histogram.class));
        m.put("XChart", pkgVersion(org.knowm.xchart.XYChart.class));
        return m;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>(facts);
        m.put("load average at start (1/5/15 min, runnable/total)", loadAtStart);
        m.put("load average at end", loadAtEnd);
        return m;
    }

    private static String pkgVersion(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        // Fall back to the jar name (…/artifact-1.2.3.jar) when the manifest has no version.
        try {
            String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
            return p.substring(p.lastIndexOf('/') + 1);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> (Long.parseLong(l.replaceAll("[^0-9]", "")) >> 20) + " GB").findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
