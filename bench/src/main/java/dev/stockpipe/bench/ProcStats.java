package dev.stockpipe.bench;

/**
 * Resources one process used during one benchmark phase. NaN = could not be read (e.g. not a JVM).
 *
 * @param cpuPercent average CPU over the phase, 100 = one full core (process and its children)
 * @param gcMaxPauseMs longest single pause seen by the sampler (the last pause per sample interval)
 */
public record ProcStats(String name, long pid, String phase, double rssPeakMb, double rssAvgMb, double cpuPercent,
                        double heapPeakMb, double heapMaxMb, long gcCount, double gcTimeMs, double gcMaxPauseMs,
                        String heapSource) {}
