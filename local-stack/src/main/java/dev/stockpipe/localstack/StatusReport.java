package dev.stockpipe.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The services half of {@code ./stockpipe status}: each service's health, process, restarts, message rate and
 * last error; the lag of every consumer group (streams-app on the raw topics, the sinks' connect-* groups on the
 * clean topics); connector and task states.
 */
final class StatusReport {
    private static final int TIMEOUT_MILLIS = 10_000;

    private StatusReport() {}

    /** Prints the report; true when every started service answers its /health with 200. */
    static boolean print(StackState s, LocalStackConfig cfg, PrintStream out, boolean withRates) {
        if (s.services().isEmpty()) {
            return true;
        }
        boolean healthy = true;
        Map<String, Double> first = withRates ? scrapeRates(s) : Map.of();
        long t0 = System.nanoTime();
        if (withRates && !first.isEmpty()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Double> second = withRates ? scrapeRates(s) : Map.of();
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println("services:");
        for (StackState.Service svc : s.services()) {
            if (svc.url() == null) {
                out.printf("  %-18s %-8s %s%n", svc.name(), svc.state(), svc.note() == null ? "" : svc.note());
                continue;
            }
            ServiceDef def = ServiceDef.byName(svc.name()).orElseThrow();
            Health.Probe probe = Health.http(svc.url() + def.healthPath(), TIMEOUT_MILLIS);
            boolean alive = Processes.find(svc.pid(), "java", svc.mainClass()).isPresent();
            healthy &= probe.healthy();
            StringBuilder line = new StringBuilder(String.format("  %-18s %-8s %-45s pid %d%s, -Xmx%s, restarts %d",
                    svc.name(), probe.healthy() ? "healthy" : "DOWN", svc.url(), svc.pid(), alive ? "" : " (gone)",
                    svc.heap(), svc.restarts()));
            if (!"running".equals(svc.state())) {
                line.append(", ").append(svc.state());
            }
            if (first.containsKey(svc.name()) && second.containsKey(svc.name())) {
                double rate = Math.max(0, second.get(svc.name()) - first.get(svc.name())) / seconds;
                line.append(String.format(", %.1f %s", rate, def.rateUnit()));
            }
            out.println(line);
            if (!probe.healthy()) {
                out.println("      health: " + probe.detail());
            }
            if (svc.lastExit() != null) {
                out.println("      last crash: " + svc.lastExit());
            }
            LogTail.lastError(Path.of(svc.log())).ifPresent(e -> out.println("      last error: " + e));
        }
        s.part(StackState.KAFKA).ifPresent(k -> printLag(k.endpoint(), out));
        s.service(ServiceDef.CONNECT).filter(c -> c.url() != null).ifPresent(c -> healthyConnectors(c.url(), out));
        return healthy;
    }

    /** Sum of each service's rate counter, by service name; services that do not answer are left out. */
    static Map<String, Double> scrapeRates(StackState s) {
        Map<String, Double> sums = new HashMap<>();
        for (StackState.Service svc : s.services()) {
            Optional<ServiceDef> def = ServiceDef.byName(svc.name());
            if (svc.url() == null || def.isEmpty() || def.get().rateMetric() == null) {
                continue;
            }
            try {
                var r = Health.get(svc.url() + "/metrics", TIMEOUT_MILLIS);
                if (r.statusCode() == 200) {
                    sums.put(svc.name(), sumOf(r.body(), def.get().rateMetric()));
                }
            } catch (java.io.IOException e) {
                // not answering: no rate shown, health says why
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return sums;
            }
        }
        return sums;
    }

    /** Sum of every sample of a metric (all label sets) in Prometheus text format. */
    static double sumOf(String prometheusText, String metric) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (rest.startsWith("{")) {
                rest = rest.substring(rest.lastIndexOf('}') + 1); // label values may hold spaces
            } else if (!rest.startsWith(" ")) {
                continue; // a longer name with this prefix
            }
            String[] fields = rest.trim().split("\\s+");
            try {
                sum += Double.parseDouble(fields[0]);
            } catch (NumberFormatException e) {
                // a malformed sample does not make status fail
            }
        }
        return sum;
    }

    static void printLag(String bootstrap, PrintStream out) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MILLIS),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MILLIS)))) {
            List<String> groups = new ArrayList<>();
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                groups.add(g.groupId());
            }
            groups.sort(String::compareTo);
            out.println("consumer groups (lag = end offset - committed offset):");
            if (groups.isEmpty()) {
                out.println("  (none yet)");
            }
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                        : admin.listOffsets(latest).all().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                Map<String, Long> byTopic = new TreeMap<>();
                committed.forEach((tp, om) -> {
                    long end = ends.containsKey(tp) ? ends.get(tp).offset() : 0;
                    long lag = om == null ? end : Math.max(0, end - om.offset());
                    byTopic.merge(tp.topic(), lag, Long::sum);
                });
                StringBuilder sb = new StringBuilder(String.format("  %-30s", group));
                if (byTopic.isEmpty()) {
                    sb.append(" (no committed offsets yet)");
                }
                byTopic.forEach((t, lag) -> sb.append(' ').append(t).append(' ').append(lag).append(';'));
                out.println(sb);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.println("consumer groups: cannot read from " + bootstrap + ": " + e);
        }
    }

    static void healthyConnectors(String connectUrl, PrintStream out) {
        out.println("connectors:");
        try {
            var r = Health.get(connectUrl + "/connectors?expand=status", TIMEOUT_MILLIS);
            if (r.statusCode() != 200) {
                out.println("  Connect answered HTTP " + r.statusCode());
                return;
            }
            JsonNode all = Json.MAPPER.readTree(r.body());
            if (all.size() == 0) {
                out.println("  (none: ./stockpipe connectors apply)");
            }
            all.fields().forEachRemaining(e -> {
                JsonNode st = e.getValue().path("status");
                StringBuilder sb = new StringBuilder(String.format("  %-22s %-8s tasks:", e.getKey(),
                        st.path("connector").path("state").asText("?")));
                for (JsonNode t : st.path("tasks")) {
                    sb.append(' ').append(t.path("id").asText()).append('=').append(t.path("state").asText());
                    if (t.hasNonNull("trace")) {
                        String trace = t.get("trace").asText();
                        sb.append(" (").append(trace, 0, Math.min(trace.indexOf('\n') < 0 ? trace.length() : trace.indexOf('\n'), 160)).append(')');
                    }
                }
                out.println(sb);
            });
        } catch (java.io.IOException e) {
            out.println("  cannot reach Connect at " + connectUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
