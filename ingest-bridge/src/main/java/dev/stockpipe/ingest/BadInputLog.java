package dev.stockpipe.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad feed input as data: counted by kind (ingest_bad_input_total), the first of each kind logged with a sample,
 * then a summary of counts at most once a minute — so a flood of bad frames cannot flood the log.
 */
public final class BadInputLog {
    private static final Logger log = LoggerFactory.getLogger(BadInputLog.class);
    private static final long SUMMARY_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int SAMPLE_BYTES = 300;

    private final IngestMetrics metrics;
    private final Map<String, LongAdder> sinceSummary = new ConcurrentHashMap<>();
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
    private final AtomicLong lastSummary = new AtomicLong(System.nanoTime());

    public BadInputLog(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    public void record(String kind, String detail, String session, byte[] sample) {
        metrics.badInput(kind).increment();
        sinceSummary.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (seen.putIfAbsent(kind, Boolean.TRUE) == null) {
            log.warn("bad feed input ({}) in session {}: {}; sample: {} (further ones of this kind are counted in "
                    + "ingest_bad_input_total and summarised)", kind, session, detail, sample(sample));
        }
        long now = System.nanoTime();
        long last = lastSummary.get();
        if (now - last > SUMMARY_EVERY_NANOS && lastSummary.compareAndSet(last, now)) {
            Map<String, Long> counts = new TreeMap<>();
            sinceSummary.forEach((k, v) -> counts.put(k, v.sumThenReset()));
            log.warn("bad feed input in the last minute: {}", counts);
        }
    }

    static String sample(byte[] b) {
        if (b == null) {
            return "(none)";
        }
        int n = Math.min(b.length, SAMPLE_BYTES);
        StringBuilder sb = new StringBuilder(n + 16);
        String s = new String(b, 0, n, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0xFFFD ? '?' : c);
        }
        if (b.length > n) {
            sb.append("... (").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }
}
