package dev.stockpipe.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes report.md (figures vs goals, machine, parameters, resources, plots) and results.json. */
final class Report {
    private Report() {}

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static void write(Path dir, Machine machine, List<Section> sections) throws IOException {
        Files.writeString(dir.resolve("report.md"), markdown(machine, sections), StandardCharsets.UTF_8);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("results.json").toFile(), json(machine, sections));
    }

    static String markdown(Machine m, List<Section> sections) {
        StringBuilder sb = new StringBuilder();
        sb.append("# stockpipe benchmark report\n\n");
        sb.append("Command: `").append(m.command()).append("`  \n");
        sb.append("Started ").append(m.startedAt()).append(", took ").append(num(m.seconds())).append(" s")
                .append(m.quick() ? " (**--quick**: smoke run, small load; not comparable with full runs)" : "").append(".\n\n");

        sb.append("## Summary: figures vs goals\n\n");
        sb.append("| flow | figure | value | goal | verdict |\n|---|---|---|---|---|\n");
        for (Section s : sections) {
            for (Figure f : s.figures) {
                sb.append("| ").append(s.key).append(" | ").append(f.name()).append(" | ").append(num(f.value())).append(' ')
                        .append(f.unit()).append(" | ").append(f.goal()).append(" | ").append(f.verdict()).append(" |\n");
            }
            if (s.figures.isEmpty()) {
                sb.append("| ").append(s.key).append(" | (no figures: ").append(s.status).append(") | | | |\n");
            }
        }
        sb.append('\n');

        sb.append("## Machine\n\n");
        sb.append("| | |\n|---|---|\n");
        for (Map.Entry<String, Object> e : m.asMap().entrySet()) {
            sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        sb.append("\nAll processes run on this one machine and talk over loopback. Latencies that span processes compare")
                .append(" epoch timestamps taken in different JVMs (Instant + System.nanoTime deltas): on one box they read the")
                .append(" same kernel clock, so they are comparable (to well under a millisecond). The load average above says how")
                .append(" busy the machine was; on a shared 2-core machine contention, not the code, can dominate every figure.\n\n");

        for (Section s : sections) {
            sb.append("## ").append(s.title).append("\n\n");
            sb.append("Status: **").append(s.status).append("**");
            if (s.error != null) {
                sb.append(" — ").append(s.error);
            }
            sb.append(". Took ").append(num(s.seconds)).append(" s.\n\n");
            sb.append("### Parameters\n\n| parameter | value |\n|---|---|\n");
            for (Map.Entry<String, Object> e : s.parameters.entrySet()) {
                sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
            }
            sb.append("\n### Figures\n\n| figure | value | goal | verdict |\n|---|---|---|---|\n");
            for (Figure f : s.figures) {
                sb.append("| ").append(f.name()).append(" | ").append(num(f.value())).append(' ').append(f.unit())
                        .append(" | ").append(f.goal()).append(" | ").append(f.verdict()).append(" |\n");
            }
            if (!s.latencies.isEmpty()) {
                sb.append("\n### Latency (ms, HdrHistogram, after warm-up)\n\n| series | count | p50 | p90 | p99 | p99.9 | max | mean |\n")
                        .append("|---|---|---|---|---|---|---|---|\n");
                for (Map.Entry<String, LatencySummary> e : s.latencies.entrySet()) {
                    LatencySummary l = e.getValue();
                    sb.append("| ").append(e.getKey()).append(" | ").append(l.count()).append(" | ").append(num(l.p50()))
                            .append(" | ").append(num(l.p90())).append(" | ").append(num(l.p99())).append(" | ")
                            .append(num(l.p999())).append(" | ").append(num(l.max())).append(" | ").append(num(l.mean())).append(" |\n");
                }
            }
            if (!s.processes.isEmpty()) {
                sb.append("\n### Processes (memory and CPU per phase; CPU 100 % = one core)\n\n")
                        .append("| phase | process | pid | RSS peak MB | RSS avg MB | CPU % | heap peak MB | heap max MB | GCs | GC time ms | max GC pause ms | heap source |\n")
                        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
                for (ProcStats p : s.processes) {
                    sb.append("| ").append(p.phase()).append(" | ").append(p.name()).append(" | ").append(p.pid()).append(" | ")
                            .append(num(p.rssPeakMb())).append(" | ").append(num(p.rssAvgMb())).append(" | ")
                            .append(num(p.cpuPercent())).append(" | ").append(num(p.heapPeakMb())).append(" | ")
                            .append(num(p.heapMaxMb())).append(" | ").append(p.gcCount() < 0 ? "n/a" : Long.toString(p.gcCount()))
                            .append(" | ").append(num(p.gcTimeMs())).append(" | ").append(num(p.gcMaxPauseMs())).append(" | ")
                            .append(p.heapSource()).append(" |\n");
                }
            }
            if (!s.plots.isEmpty()) {
                sb.append("\n### Plots\n\n");
                for (String p : s.plots) {
                    sb.append("![").append(p).append("](").append(p).append(")\n\n");
                }
            }
            if (!s.notes.isEmpty()) {
                sb.append("\n### Notes\n\n");
                for (String n : s.notes) {
                    sb.append("- ").append(n).append('\n');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static ObjectNode json(Machine m, List<Section> sections) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("command", m.command());
        root.put("quick", m.quick());
        root.put("started_at", m.startedAt());
        root.put("seconds", m.seconds());
        ObjectNode machine = root.putObject("machine");
        m.asMap().forEach((k, v) -> machine.put(k, String.valueOf(v)));
        ObjectNode flows = root.putObject("flows");
        List<Figure> all = new ArrayList<>();
        for (Section s : sections) {
            ObjectNode f = flows.putObject(s.key);
            f.put("title", s.title);
            f.put("status", s.status);
            f.put("error", s.error);
            f.put("seconds", s.seconds);
            ObjectNode params = f.putObject("parameters");
            s.parameters.forEach((k, v) -> params.put(k, String.valueOf(v)));
            ArrayNode figs = f.putArray("figures");
            for (Figure fig : s.figures) {
                ObjectNode o = figs.addObject();
                o.put("name", fig.name());
                putNumber(o, "value", fig.value());
                o.put("unit", fig.unit());
                o.put("goal", fig.goal());
                if (fig.met() == null) {
                    o.putNull("met");
                } else {
                    o.put("met", fig.met());
                }
                all.add(fig);
            }
            ObjectNode lat = f.putObject("latency_ms");
            s.latencies.forEach((k, l) -> {
                ObjectNode o = lat.putObject(k);
                o.put("count", l.count());
                putNumber(o, "p50", l.p50());
                putNumber(o, "p90", l.p90());
                putNumber(o, "p99", l.p99());
                putNumber(o, "p99_9", l.p999());
                putNumber(o, "max", l.max());
                putNumber(o, "mean", l.mean());
            });
            ArrayNode procs = f.putArray("processes");
            for (ProcStats p : s.processes) {
                ObjectNode o = procs.addObject();
                o.put("phase", p.phase());
                o.put("name", p.name());
                o.put("pid", p.pid());
                putNumber(o, "rss_peak_mb", p.rssPeakMb());
                putNumber(o, "rss_avg_mb", p.rssAvgMb());
                putNumber(o, "cpu_percent", p.cpuPercent());
                putNumber(o, "heap_peak_mb", p.heapPeakMb());
                putNumber(o, "heap_max_mb", p.heapMaxMb());
                o.put("gc_count", p.gcCount());
                putNumber(o, "gc_time_ms", p.gcTimeMs());
                putNumber(o, "gc_max_pause_ms", p.gcMaxPauseMs());
                o.put("heap_source", p.heapSource());
            }
            ArrayNode plots = f.putArray("plots");
            s.plots.forEach(plots::add);
            ArrayNode notes = f.putArray("notes");
            s.notes.forEach(notes::add);
        }
        root.put("goals_met", all.stream().filter(x -> x.met() != null).allMatch(Figure::met));
        return root;
    }

    /** JSON has no NaN: a figure that could not be measured is null. */
    private static void putNumber(ObjectNode o, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(name);
        } else {
            o.put(name, v);
        }
    }
}
