package dev.stockpipe.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The part of the report one flow writes: figures vs goals, parameters, process resources, plots, notes. */
public final class Section {
    public final String key;
    public final String title;
    public final Map<String, Object> parameters = new LinkedHashMap<>();
    public final List<Figure> figures = new ArrayList<>();
    public final Map<String, LatencySummary> latencies = new LinkedHashMap<>();
    public final List<ProcStats> processes = new ArrayList<>();
    /** Plot file names, relative to the report directory. */
    public final List<String> plots = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    /** "ok" when every phase ran, "partial" or "failed" with {@link #error} otherwise. */
    public String status = "ok";
    public String error;
    public double seconds;

    public Section(String key, String title) {
        this.key = key;
        this.title = title;
    }

    public void fail(String phase, Throwable e) {
        status = figures.isEmpty() ? "failed" : "partial";
        String msg = phase + ": " + e;
        error = error == null ? msg : error + "; " + msg;
    }
}
