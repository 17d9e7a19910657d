package dev.stockpipe.connect;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-sink a time range from the clean topics through a sink connector (offsets API: stop, rewind by timestamp, resume).")
final class ReplayCommand extends ConnectorsCli.EnvAware implements Callable<Integer> {
    @Option(names = "--connector", required = true, description = "sink connector name, e.g. stock-trades-sink")
    String connector;

    @Option(names = "--from", required = true, description = "RFC 3339 instant or YYYY-MM-DD (New York midnight)")
    String from;

    @Option(names = "--to", description = "end of the range, for the count reported (the sink re-reads to the end of the topic)")
    String to;

    @Option(names = "--symbols", split = ",", description = "only rewind the partitions these symbols hash to")
    List<String> symbols = List.of();

    @Option(names = "--yes", description = "do it (without: print the plan and change nothing)")
    boolean yes;

    @Option(names = "--wait", defaultValue = "600", description = "seconds to wait for the sink to catch up (default ${DEFAULT-VALUE})")
    int waitSeconds;

    @Override
    public Integer call() {
        Instant fromTs = TimeArg.parse("--from", from);
        Instant toTs = to == null ? null : TimeArg.parse("--to", to);
        if (toTs != null && !toTs.isAfter(fromTs)) {
            throw new IllegalArgumentException("--to must be after --from");
        }
        String bootstrap = env.getOrDefault(ConnectWorkerConfig.BOOTSTRAP_SERVERS, ConnectWorkerConfig.DEFAULT_BOOTSTRAP_SERVERS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
             CommittedRecords records = new CommittedRecords(bootstrap)) {
            Replay replay = new Replay(new ConnectRestClient(ConnectorsCli.connectUrl(env)), admin, records, out);
            Replay.Plan plan = replay.plan(connector, fromTs, toTs, new LinkedHashSet<>(symbols));
            replay.print(plan);
            if (!yes) {
                out.println("dry run: pass --yes to stop, rewind and resume the connector");
                return 0;
            }
            Replay.Summary s = replay.execute(plan, Duration.ofSeconds(waitSeconds));
            if (s.deletedByRetention() > 0) {
                out.printf("replay incomplete: %d offset(s) of the range were deleted by the topic's retention before the sink re-read them;"
                        + " raise retention.ms on the topic to replay that far back%n", s.deletedByRetention());
                return 1;
            }
            out.printf("replay done: %d record(s) re-sunk in %.1f s%s%n", s.recordsReplayed(), s.took().toMillis() / 1000.0,
                    s.caughtUp() ? "" : " (not yet caught up)");
            return s.complete() ? 0 : 1;
        }
    }
}
