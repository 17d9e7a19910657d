package dev.stockpipe.streams.validate;

import dev.stockpipe.model.Reject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejects with their context without letting a flood of garbage flood the log: at most one WARN
 * line per second per instance of this class, with the number suppressed since the last one (the
 * counters have the exact figures). Each processor owns one, so it is used by one thread.
 */
public final class RejectLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.stockpipe.streams.rejects");
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private long lastLog = System.nanoTime() - INTERVAL_NANOS;
    private long suppressed;

    public void log(String key, Reject r) {
        long now = System.nanoTime();
        if (now - lastLog >= INTERVAL_NANOS) {
            LOG.warn("rejected {} from {}-{}@{} key={}: {}{}", r.reason(), r.sourceTopic(), r.sourcePartition(),
                    r.sourceOffset(), key, r.detail(), suppressed > 0 ? " (" + suppressed + " more rejects since the last line)" : "");
            lastLog = now;
            suppressed = 0;
        } else {
            suppressed++;
            if (LOG.isDebugEnabled()) {
                LOG.debug("rejected {} from {}-{}@{} key={}: {}", r.reason(), r.sourceTopic(), r.sourcePartition(),
                        r.sourceOffset(), key, r.detail());
            }
        }
    }
}
