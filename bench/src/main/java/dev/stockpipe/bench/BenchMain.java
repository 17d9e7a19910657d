package dev.stockpipe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./stockpipe bench [flow-a|flow-b|bars|all] [--quick]}: runs the benchmarks against embedded parts and
 * the services as their own processes on loopback, and writes bench-results/&lt;timestamp&gt;/report.md,
 * results.json and PNG plots. Exit code 0 when every flow ran (goals missed or not: this measures, it does not
 * judge), 1 when a flow could not run, 2 for bad usage.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "stockpipe bench 0.1.0",
        description = "Measures flow A (live), flow B (durable) and the bars API against the goals; writes a report with plots.",
        subcommands = {BenchMain.FlowACommand.class, BenchMain.FlowBCommand.class, BenchMain.BarsCommand.class,
                BenchMain.AllCommand.class})
public final class BenchMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);

    @Mixin
    Common common;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int rc = 1;
        try {
            rc = new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } catch (Throwable e) {
            LOG.error("bench failed", e);
        } finally {
            // The embedded broker's threads would keep the JVM alive; the shutdown hook stops what is left.
            System.exit(rc);
        }
    }

    /** Without a subcommand: `all`. */
    @Override
    public Integer call() {
        return run(common, List.of("bars", "flow-a", "flow-b"), "all");
    }

    /** Options every subcommand takes. */
    static final class Common {
        @Option(names = "--quick", description = "smoke run: small load, finishes in about 2 minutes")
        boolean quick;

        @Option(names = "--out", description = "directory of the reports (default: bench-results under the repository root)")
        Path out;

        @Option(names = "--root", description = "repository root with the built modules (default: found from the working directory)")
        Path root;

        Path root() {
            if (root != null) {
                return root.toAbsolutePath();
            }
            for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("connect-configs")) && Files.isDirectory(p.resolve("market-model"))) {
                    return p;
                }
            }
            throw new CommandLine.ParameterException(new CommandLine(new BenchMain()),
                    "cannot find the repository root from " + Path.of("").toAbsolutePath() + ": pass --root");
        }
    }

    @Command(name = "bars", mixinStandardHelpOptions = true, description = "bars-query-service: open-model HTTP load over ≥ 1M minute bars vs raw JDBC")
    static final class BarsCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Option(names = "--rate", description = "requests per second per endpoint (default 2000; --quick 200)")
        Integer rate;
        @Option(names = "--seconds", description = "measured seconds per endpoint (default 20; --quick 4)")
        Integer seconds;
        @Option(names = "--rows", description = "minute bars seeded (default 1000000; --quick 200000)")
        Integer rows;

        @Override
        public Integer call() {
            Options.barsRate = rate;
            Options.barsSeconds = seconds;
            Options.barsRows = rows;
            return run(common, List.of("bars"), "bars");
        }
    }

    @Command(name = "flow-a", mixinStandardHelpOptions = true, description = "simulator → bridge → Redis → ws-relay → N WebSocket clients, vs a naive baseline relay")
    static final class FlowACommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Option(names = "--clients", description = "WebSocket clients (default 100; --quick 30)")
        Integer clients;
        @Option(names = "--rates", split = ",", description = "simulator trades/s (default 1000,10000; --quick 1000)")
        List<Integer> rates;
        @Option(names = "--seconds", description = "measured seconds per rate and relay (default 20; --quick 5)")
        Integer seconds;

        @Override
        public Integer call() {
            Options.flowAClients = clients;
            Options.flowARates = rates;
            Options.flowASeconds = seconds;
            return run(common, List.of("flow-a"), "flow-a");
        }
    }

    @Command(name = "flow-b", mixinStandardHelpOptions = true, description = "raw topic → streams-app → Connect JDBC sink → PostgreSQL vs COPY; replay time")
    static final class FlowBCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Option(names = "--trades", description = "trades produced (default 1000000; --quick 50000)")
        Integer trades;

        @Override
        public Integer call() {
            Options.flowBTrades = trades;
            return run(common, List.of("flow-b"), "flow-b");
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true, description = "bars, flow-a and flow-b in one report (bounded: about 15 minutes)")
    static final class AllCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() {
            return run(common, List.of("bars", "flow-a", "flow-b"), "all");
        }
    }

    /** Per-flow overrides from the subcommands' options (null = the mode's default). */
    static final class Options {
        static Integer barsRate;
        static Integer barsSeconds;
        static Integer barsRows;
        static Integer flowAClients;
        static List<Integer> flowARates;
        static Integer flowASeconds;
        static Integer flowBTrades;

        private Options() {}
    }

    static int run(Common common, List<String> flows, String what) {
        Path root = common.root();
        Instant started = Instant.now();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        Path base = common.out != null ? common.out.toAbsolutePath() : root.resolve("bench-results");
        Path out = base.resolve(stamp);
        String command = "./stockpipe bench " + what + (common.quick ? " --quick" : "");
        String loadStart = Machine.loadavg();
        LOG.info("bench {} starting; load average {}; report in {}", what, loadStart, out);
        List<Section> sections = new ArrayList<>();
        BenchContext ctx;
        try {
            Files.createDirectories(out);
            ctx = new BenchContext(root, out, common.quick);
        } catch (Exception e) {
            LOG.error("cannot create {}: {}", out, e.toString());
            return 1;
        }
        Thread hook = new Thread(ctx::close, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        var facts = Machine.collectFacts();
        try {
            for (String flow : flows) {
                LOG.info("=== {} ===", flow);
                Section s;
                try {
                    if ("bars".equals(flow)) {
                        s = new BarsFlow(ctx, Options.barsRate, Options.barsSeconds, Options.barsRows).run();
                    } else if ("flow-a".equals(flow)) {
                        s = new FlowA(ctx, Options.flowAClients, Options.flowARates, Options.flowASeconds).run();
                    } else {
                        s = new FlowB(ctx, Options.flowBTrades).run();
                    }
                } catch (Throwable e) {
                    // An Error (e.g. a jar replaced under a running JVM) must not skip the report or the cleanup.
                    LOG.error("{} failed", flow, e);
                    s = new Section(flow, flow);
                    s.fail(flow, e);
                    ctx.closeOwned();
                }
                sections.add(s);
                // Written after every flow, so a run cut short still leaves a report of what it measured.
                write(out, command, common.quick, started, loadStart, facts, sections);
            }
        } finally {
            ctx.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        Machine m = write(out, command, common.quick, started, loadStart, facts, sections);
        LOG.info("report: {} (load average at start {}, at end {})", out.resolve("report.md"), m.loadAtStart(), m.loadAtEnd());
        for (Section s : sections) {
            for (Figure f : s.figures) {
                if (f.met() != null) {
                    LOG.info("{} | {} = {} {} (goal {}) {}", s.key, f.name(), Report.num(f.value()), f.unit(), f.goal(), f.verdict());
                }
            }
        }
        return sections.stream().allMatch(s -> "ok".equals(s.status)) ? 0 : 1;
    }

    private static Machine write(Path out, String command, boolean quick, Instant started, String loadStart,
                                 java.util.Map<String, Object> facts, List<Section> sections) {
        Machine m = new Machine(command, quick, started.toString(), (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0,
                loadStart, Machine.loadavg(), facts);
        try {
            Report.write(out, m, sections);
        } catch (Exception e) {
            LOG.error("writing the report to {} failed", out, e);
        }
        return m;
    }
}
