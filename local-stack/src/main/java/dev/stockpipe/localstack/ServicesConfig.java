package dev.stockpipe.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which stockpipe services {@code up} runs after Kafka, PostgreSQL and Redis, with what heap and on
 * which port; read once from the environment. The services' own variables (SUBSCRIBED_SYMBOLS,
 * STREAMS_*, RELAY_*, ...) pass through to them untouched.
 */
public record ServicesConfig(
        Path root,
        Set<String> selected,
        Map<String, String> heaps,
        Map<String, Integer> ports,
        Set<String> portsSet,
        boolean realAlpaca,
        String alpacaWsUrl,
        String alpacaRestUrl,
        String feed,
        String subscribedSymbols,
        Duration readyTimeout,
        Duration restartBase,
        Duration restartMax,
        boolean cds) {

    /** The checkout whose modules are run (module/target/classes + target/classpath.txt). */
    public static final String STOCKPIPE_ROOT = "STOCKPIPE_ROOT";
    public static final String STOCKPIPE_ROOT_DEFAULT = ".";
    /** all, none, or a comma list of service names: which services up starts. */
    public static final String STOCKPIPE_SERVICES = "STOCKPIPE_SERVICES";
    public static final String STOCKPIPE_SERVICES_DEFAULT = "all";
    /** How long up waits for each service's /health before saying it is not ready (and going on). */
    public static final String STOCKPIPE_READY_TIMEOUT = "STOCKPIPE_READY_TIMEOUT";
    public static final int STOCKPIPE_READY_TIMEOUT_DEFAULT = 180;
    /** First restart delay of a crashed service (doubles per crash, jittered). */
    public static final String STOCKPIPE_RESTART_BASE_MS = "STOCKPIPE_RESTART_BASE_MS";
    public static final int STOCKPIPE_RESTART_BASE_MS_DEFAULT = 1000;
    /** Cap of the restart delay. */
    public static final String STOCKPIPE_RESTART_MAX_MS = "STOCKPIPE_RESTART_MAX_MS";
    public static final int STOCKPIPE_RESTART_MAX_MS_DEFAULT = 30000;
    /** Set: the bridge uses the real Alpaca stream and the simulator is not started. Never logged. */
    public static final String STOCKPIPE_CDS = "STOCKPIPE_CDS";
    public static final String STOCKPIPE_CDS_DEFAULT = "on";

    public static final String ALPACA_API_KEY = "ALPACA_API_KEY";
    /** Stream URL; default the local simulator, or Alpaca's IEX stream when ALPACA_API_KEY is set. */
    public static final String ALPACA_DATA_WS_URL = "ALPACA_DATA_WS_URL";
    public static final String REAL_WS_URL_DEFAULT = "wss://stream.data.alpaca.markets/v2/iex";
    /** Historical REST URL for gap backfill; default the simulator, or Alpaca's data API. */
    public static final String ALPACA_DATA_REST_URL = "ALPACA_DATA_REST_URL";
    public static final String REAL_REST_URL_DEFAULT = "https://data.alpaca.markets";
    /** Feed of the stream path and REST calls. */
    public static final String ALPACA_FEED = "ALPACA_FEED";
    public static final String ALPACA_FEED_DEFAULT = "iex";
    /** Symbols the bridge subscribes; the simulator trades them unless ALPACA_SIM_SYMBOLS says otherwise. */
    public static final String SUBSCRIBED_SYMBOLS = "SUBSCRIBED_SYMBOLS";
    public static final String SUBSCRIBED_SYMBOLS_DEFAULT = "AAPL,MSFT,GOOGL";

    /** Every variable with its default and doc, in README order (a test keeps the README in step). */
    public static final Map<String, String[]> VARIABLES = variables();

    private static Map<String, String[]> variables() {
        Map<String, String[]> v = new LinkedHashMap<>();
        v.put(STOCKPIPE_ROOT, new String[] {"(the launcher: the checkout)", "checkout whose built modules up runs"});
        v.put(STOCKPIPE_SERVICES, new String[] {STOCKPIPE_SERVICES_DEFAULT, "all, none, or a comma list of services to start"});
        v.put(STOCKPIPE_READY_TIMEOUT, new String[] {STOCKPIPE_READY_TIMEOUT_DEFAULT + "", "seconds up waits for each service's /health"});
        v.put(STOCKPIPE_RESTART_BASE_MS, new String[] {STOCKPIPE_RESTART_BASE_MS_DEFAULT + "", "first restart delay of a crashed service"});
        v.put(STOCKPIPE_RESTART_MAX_MS, new String[] {STOCKPIPE_RESTART_MAX_MS_DEFAULT + "", "cap of the restart delay"});
        v.put(STOCKPIPE_CDS, new String[] {STOCKPIPE_CDS_DEFAULT, "on: service JVMs share class data archived under .stockpipe/cds; off: not"});
        for (ServiceDef d : ServiceDef.ALL) {
            v.put(d.heapVariable(), new String[] {d.defaultHeap(), "-Xmx of " + d.name()});
        }
        for (ServiceDef d : ServiceDef.ALL) {
            v.put(d.portVariable(), new String[] {Integer.toString(d.defaultPort()), "port of " + d.name()});
        }
        v.put(ALPACA_API_KEY, new String[] {"(unset: simulator)", "set: real Alpaca stream, no simulator"});
        v.put(ALPACA_DATA_WS_URL, new String[] {"the simulator's /v2/<feed>", "stream URL the bridge connects to"});
        v.put(ALPACA_DATA_REST_URL, new String[] {"the simulator", "REST URL of the bridge's gap backfill"});
        v.put(ALPACA_FEED, new String[] {ALPACA_FEED_DEFAULT, "feed"});
        v.put(SUBSCRIBED_SYMBOLS, new String[] {SUBSCRIBED_SYMBOLS_DEFAULT, "symbols the bridge subscribes (and the simulator trades)"});
        return java.util.Collections.unmodifiableMap(v);
    }

    public boolean runs(String service) {
        return selected.contains(service) && !(realAlpaca && ServiceDef.ALPACA_SIM.equals(service));
    }

    public Path moduleDir(ServiceDef def) {
        return root.resolve(def.module());
    }

    public static ServicesConfig fromEnv(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        Path root = Path.of(text(env, STOCKPIPE_ROOT, STOCKPIPE_ROOT_DEFAULT)).toAbsolutePath().normalize();
        String which = text(env, STOCKPIPE_SERVICES, STOCKPIPE_SERVICES_DEFAULT);
        Set<String> selected = new LinkedHashSet<>();
        if (which.equals("all")) {
            ServiceDef.ALL.forEach(d -> selected.add(d.name()));
        } else if (!which.equals("none")) {
            for (String s : which.split(",")) {
                String n = s.trim();
                if (ServiceDef.byName(n).isEmpty()) {
                    errors.add(STOCKPIPE_SERVICES + "=" + which + ": unknown service " + n + " (known: all, none, "
                            + String.join(", ", ServiceDef.ALL.stream().map(ServiceDef::name).toList()) + ")");
                } else {
                    selected.add(n);
                }
            }
        }
        Map<String, String> heaps = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        Set<String> portsSet = new LinkedHashSet<>();
        for (ServiceDef d : ServiceDef.ALL) {
            String heap = text(env, d.heapVariable(), d.defaultHeap());
            if (!heap.matches("\\d+[kKmMgG]")) {
                errors.add(d.heapVariable() + "=" + heap + ": must be a heap size like 256m or 1g");
            }
            heaps.put(d.name(), heap);
            ports.put(d.name(), intIn(env, d.portVariable(), d.defaultPort(), 1, 65535, errors));
            if (blankToNull(env.get(d.portVariable())) != null) {
                portsSet.add(d.name());
            }
        }
        boolean real = blankToNull(env.get(ALPACA_API_KEY)) != null;
        String ws = blankToNull(env.get(ALPACA_DATA_WS_URL));
        if (ws != null && !ws.matches("wss?://\\S+")) {
            errors.add(ALPACA_DATA_WS_URL + "=" + ws + ": must be a ws:// or wss:// URL");
        }
        String rest = blankToNull(env.get(ALPACA_DATA_REST_URL));
        if (rest != null && !rest.matches("https?://\\S+")) {
            errors.add(ALPACA_DATA_REST_URL + "=" + rest + ": must be an http:// or https:// URL");
        }
        String feed = text(env, ALPACA_FEED, ALPACA_FEED_DEFAULT);
        String symbols = text(env, SUBSCRIBED_SYMBOLS, SUBSCRIBED_SYMBOLS_DEFAULT);
        int ready = intIn(env, STOCKPIPE_READY_TIMEOUT, STOCKPIPE_READY_TIMEOUT_DEFAULT, 1, 3600, errors);
        int base = intIn(env, STOCKPIPE_RESTART_BASE_MS, STOCKPIPE_RESTART_BASE_MS_DEFAULT, 10, 600_000, errors);
        int max = intIn(env, STOCKPIPE_RESTART_MAX_MS, STOCKPIPE_RESTART_MAX_MS_DEFAULT, 10, 3_600_000, errors);
        String cds = text(env, STOCKPIPE_CDS, STOCKPIPE_CDS_DEFAULT).toLowerCase(java.util.Locale.ROOT);
        if (!cds.equals("on") && !cds.equals("off")) {
            errors.add(STOCKPIPE_CDS + "=" + cds + ": must be on or off");
        }
        if (max < base) {
            errors.add(STOCKPIPE_RESTART_MAX_MS + "=" + max + ": must not be below " + STOCKPIPE_RESTART_BASE_MS + "=" + base);
        }
        if (!errors.isEmpty()) {
            throw new LocalStackConfig.ConfigException(errors);
        }
        if (real) {
            ws = ws == null ? REAL_WS_URL_DEFAULT : ws;
            rest = rest == null ? REAL_REST_URL_DEFAULT : rest;
        }
        return new ServicesConfig(root, Set.copyOf(selected), Map.copyOf(heaps), Map.copyOf(ports), Set.copyOf(portsSet),
                real, ws, rest, feed, symbols, Duration.ofSeconds(ready), Duration.ofMillis(base), Duration.ofMillis(max),
                cds.equals("on"));
    }

    /** The key is never printed. */
    @Override
    public String toString() {
        return "ServicesConfig[root=" + root + ", selected=" + selected + ", heaps=" + heaps + ", ports=" + ports
                + ", realAlpaca=" + realAlpaca + ", ws=" + alpacaWsUrl + ", feed=" + feed + ", symbols=" + subscribedSymbols + "]";
    }

    private static String text(Map<String, String> env, String name, String def) {
        String v = blankToNull(env.get(name));
        return v == null ? def : v;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int intIn(Map<String, String> env, String name, int def, int min, int max, List<String> errors) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                errors.add(name + "=" + v + ": must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(name + "=" + v + ": not an integer");
            return def;
        }
    }
}
