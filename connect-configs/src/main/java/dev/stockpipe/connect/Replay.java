package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.model.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Re-sinks a time range of a sink connector's topics: stop the connector, rewind its consumer offsets to
 * the first record at or after {@code from} (Kafka's offset-by-timestamp index), resume. Writes are
 * upserts, so records replayed onto rows that are already right change nothing.
 * Connect cannot stop a sink at an offset: everything after {@code from} is re-read, {@code to} only
 * bounds the count reported. {@code symbols} narrows the rewind to the partitions those keys hash to.
 */
public final class Replay {
    private final ConnectRestClient connect;
    private final Admin admin;
    private final CommittedRecords records;
    private final PrintStream out;

    /** {@code records} counts what the sink really reads (transaction markers and aborted records are not records). */
    Replay(ConnectRestClient connect, Admin admin, CommittedRecords records, PrintStream out) {
        this.connect = connect;
        this.admin = admin;
        this.records = records;
        this.out = out;
    }

    /**
     * One partition's rewind. {@code target} is -1 when the partition has nothing at or after {@code from}.
     * {@code end} is the last stable offset (read_committed); {@code inRange} / {@code toEnd} are committed data
     * records in [target, inRangeEnd) / [target, end), which on a transactional topic are fewer than the offsets.
     */
    public record PartitionPlan(TopicPartition partition, long committed, long target, long inRangeEnd, long end,
                                long inRange, long toEnd) {
        long recordsInRange() {
            return target < 0 ? 0 : inRange;
        }
    }

    public record Plan(String connector, Instant from, Instant to, List<PartitionPlan> partitions) {
        public long recordsInRange() {
            return partitions.stream().mapToLong(PartitionPlan::recordsInRange).sum();
        }

        List<PartitionPlan> rewinds() {
            return partitions.stream().filter(p -> p.target() >= 0).toList();
        }
    }

    /**
     * {@code deletedByRetention}: offsets between a partition's rewind target and its log start when the sink had
     * caught up, i.e. records the broker deleted (retention) before the sink re-read them. Not re-sunk.
     */
    public record Summary(long recordsReplayed, Duration took, boolean caughtUp, long deletedByRetention) {
        public boolean complete() {
            return caughtUp && deletedByRetention == 0;
        }
    }

    public Plan plan(String connector, Instant from, Instant to, Set<String> symbols) {
        JsonNode cfg = connect.config(connector)
                .orElseThrow(() -> new IllegalArgumentException("connector " + connector + " does not exist at " + connect.base()));
        List<String> topics = List.of(cfg.path("topics").asText("").split(",")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("connector " + connector + " has no 'topics' (topics.regex is not supported by replay)");
        }
        try {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicDescription d : described.values()) {
                int n = d.partitions().size();
                Set<Integer> wanted = symbols.isEmpty() ? null
                        : symbols.stream().map(s -> partitionOf(s, n)).collect(Collectors.toCollection(TreeSet::new));
                d.partitions().forEach(p -> {
                    if (wanted == null || wanted.contains(p.partition())) {
                        partitions.add(new TopicPartition(d.name(), p.partition()));
                    }
                });
            }
            Map<TopicPartition, Long> targets = offsets(partitions, OffsetSpec.forTimestamp(from.toEpochMilli()));
            // The last stable offset: a read_committed reader (and the sink, consumer.override.isolation.level)
            // never reads past an open transaction.
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> toOffsets = to == null ? ends : offsets(partitions, OffsetSpec.forTimestamp(to.toEpochMilli()));
            Map<TopicPartition, Long> committed = committedOffsets(connector);
            List<PartitionPlan> plans = new ArrayList<>();
            partitions.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
            for (TopicPartition tp : partitions) {
                long end = ends.getOrDefault(tp, 0L);
                long toOffset = toOffsets.getOrDefault(tp, -1L);
                long target = targets.getOrDefault(tp, -1L);
                long inRangeEnd = toOffset < 0 ? end : Math.min(toOffset, end);
                long inRange = records.count(tp, target, inRangeEnd);
                long toEnd = inRange + records.count(tp, inRangeEnd, end);
                plans.add(new PartitionPlan(tp, committed.getOrDefault(tp, -1L), target, inRangeEnd, end, inRange, toEnd));
            }
            return new Plan(connector, from, to, plans);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while planning the replay", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read offsets from Kafka: " + e.getCause().getMessage(), e.getCause());
        }
    }

    public void print(Plan plan) {
        out.printf("replay %s from %s%s%n", plan.connector(), plan.from(), plan.to() == null ? "" : " to " + plan.to());
        out.printf("  %-24s %10s %10s %10s %10s%n", "partition", "committed", "rewind-to", "end", "in-range");
        for (PartitionPlan p : plan.partitions()) {
            out.printf("  %-24s %10s %10s %10d %10d%n", p.partition(), p.committed() < 0 ? "-" : Long.toString(p.committed()),
                    p.target() < 0 ? "(none)" : Long.toString(p.target()), p.end(), p.recordsInRange());
        }
        out.printf("  %d record(s) in range; the connector will be STOPPED, rewound and resumed%n", plan.recordsInRange());
    }

    /** Stops the connector, rewinds, resumes, and waits until it has re-read up to the ends seen in the plan. */
    public Summary execute(Plan plan, Duration timeout) {
        Instant started = Instant.now();
        List<PartitionPlan> rewinds = plan.rewinds();
        if (rewinds.isEmpty()) {
            out.println("nothing at or after --from: no offsets changed");
            return new Summary(0, Duration.ZERO, true, 0);
        }
        out.printf("stopping %s%n", plan.connector());
        connect.stop(plan.connector());
        await(() -> "STOPPED".equals(state(plan.connector())), Duration.ofSeconds(60), "connector to stop");
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode offsets = body.putArray("offsets");
        for (PartitionPlan p : rewinds) {
            ObjectNode o = offsets.addObject();
            o.putObject("partition").put("kafka_topic", p.partition().topic()).put("kafka_partition", p.partition().partition());
            o.putObject("offset").put("kafka_offset", p.target());
        }
        JsonNode answer = connect.alterOffsets(plan.connector(), body);
        out.printf("rewound %d partition(s): %s%n", rewinds.size(), answer.path("message").asText(""));
        connect.resume(plan.connector());
        out.printf("resumed %s; waiting for it to re-read %d record(s) after the rewind%n", plan.connector(),
                rewinds.stream().mapToLong(PartitionPlan::toEnd).sum());
        boolean caughtUp = awaitCatchUp(plan, timeout);
        long deleted = deletedSinceRewind(rewinds);
        long replayed = rewinds.stream().mapToLong(PartitionPlan::toEnd).sum();
        return new Summary(replayed, Duration.between(started, Instant.now()), caughtUp, deleted);
    }

    /**
     * A partition whose log start moved past the rewind target lost those records to retention: the sink's
     * consumer found its offset out of range and skipped ahead, and the "still to re-sink" count (read from the
     * log) cannot see them either, so without this check the replay would look complete.
     */
    private long deletedSinceRewind(List<PartitionPlan> rewinds) {
        Map<TopicPartition, Long> starts;
        try {
            starts = offsets(rewinds.stream().map(PartitionPlan::partition).toList(), OffsetSpec.earliest());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading log start offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read log start offsets from Kafka: " + e.getCause().getMessage(), e.getCause());
        }
        long deleted = 0;
        for (PartitionPlan p : rewinds) {
            long start = starts.getOrDefault(p.partition(), 0L);
            if (start > p.target()) {
                long goneUntil = Math.min(start, p.end());
                deleted += goneUntil - p.target();
                out.printf("  WARNING %s: offsets %d..%d were deleted by retention before the sink re-read them (log start is now %d)%n",
                        p.partition(), p.target(), goneUntil - 1, start);
            }
        }
        return deleted;
    }

    private boolean awaitCatchUp(Plan plan, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextReport = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            Map<TopicPartition, Long> committed = committedOffsets(plan.connector());
            long behind = 0;
            for (PartitionPlan p : plan.rewinds()) {
                // Not "committed == end": a sink commits last record + 1, never past a transaction's commit
                // marker, so what is left is counted as records, not offsets.
                behind += behind(p, committed.getOrDefault(p.partition(), p.target()));
            }
            if (behind == 0) {
                return true;
            }
            if (!Instant.now().isBefore(nextReport)) {
                out.printf("  %d record(s) still to re-sink%n", behind);
                nextReport = Instant.now().plusSeconds(5);
            }
            sleep(500);
        }
        out.println("  not caught up before the deadline: the connector goes on; check 'connectors status'");
        return false;
    }

    /** Records the sink has still to read on a partition whose committed offset is {@code committed}. */
    long behind(PartitionPlan p, long committed) {
        return committed >= p.end() ? 0 : records.count(p.partition(), Math.max(committed, 0), p.end());
    }

    private String state(String connector) {
        return connect.status(connector).map(s -> s.path("connector").path("state").asText()).orElse("MISSING");
    }

    private Map<TopicPartition, Long> committedOffsets(String connector) {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (JsonNode o : connect.offsets(connector).path("offsets")) {
            JsonNode p = o.path("partition");
            m.put(new TopicPartition(p.path("kafka_topic").asText(), p.path("kafka_partition").asInt()),
                    o.path("offset").path("kafka_offset").asLong());
        }
        return m;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> req = new LinkedHashMap<>();
        partitions.forEach(tp -> req.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res =
                admin.listOffsets(req, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        Map<TopicPartition, Long> m = new HashMap<>();
        res.forEach((tp, info) -> m.put(tp, info.offset()));
        return m;
    }

    /** The partition the default partitioner gives a symbol key (murmur2, as the producers use). */
    static int partitionOf(String symbol, int partitions) {
        return Utils.toPositive(Utils.murmur2(symbol.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        try {
            if (!Poll.until(condition, timeout)) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
