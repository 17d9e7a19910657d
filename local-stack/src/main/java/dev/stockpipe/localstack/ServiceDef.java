package dev.stockpipe.localstack;

import java.util.List;
import java.util.Optional;

/**
 * One stockpipe service that {@code up} runs as its own JVM: where it is built, its main class, the
 * variable that sets its port (the service reads it) and the one that sets its heap (read here).
 *
 * @param rateMetric the Prometheus counter whose per-second increase {@code status} shows (summed over labels)
 */
public record ServiceDef(String name, String module, String mainClass, String portVariable, int defaultPort,
                         String heapVariable, String defaultHeap, String healthPath, String rateMetric, String rateUnit) {

    public static final String CONNECT = "connect";
    public static final String ALPACA_SIM = "alpaca-sim";
    public static final String INGEST_BRIDGE = "ingest-bridge";
    public static final String STREAMS_APP = "streams-app";
    public static final String BARS_QUERY = "bars-query-service";
    public static final String WS_RELAY = "ws-relay";

    /** Start order = ready-line order; stopped in reverse. Ports and port variables as DESIGN.md and each module's README. */
    public static final List<ServiceDef> ALL = List.of(
            new ServiceDef(CONNECT, "connect-configs", "dev.stockpipe.connect.ConnectWorkerMain", "CONNECT_REST_PORT", 8083,
                    "CONNECT_HEAP", "512m", "/health", null, null),
            new ServiceDef(ALPACA_SIM, "alpaca-sim", "dev.stockpipe.sim.SimulatorMain", "ALPACA_SIM_PORT", 8765,
                    "ALPACA_SIM_HEAP", "256m", "/health", "alpaca_sim_trades_emitted_total", "trades/s"),
            new ServiceDef(INGEST_BRIDGE, "ingest-bridge", "dev.stockpipe.ingest.IngestBridgeMain", "INGEST_HTTP_PORT", 8085,
                    "INGEST_BRIDGE_HEAP", "256m", "/health", "ingest_messages_total", "msg/s"),
            new ServiceDef(STREAMS_APP, "streams-app", "dev.stockpipe.streams.StreamsAppMain", "STREAMS_IQ_PORT", 8084,
                    "STREAMS_APP_HEAP", "384m", "/health", "stockpipe_streams_records_in_total", "records/s"),
            new ServiceDef(BARS_QUERY, "bars-query-service", "dev.stockpipe.bars.Application", "BARS_PORT", 8000,
                    "BARS_QUERY_HEAP", "256m", "/health", "http_server_requests_seconds_count", "req/s"),
            new ServiceDef(WS_RELAY, "ws-relay", "dev.stockpipe.relay.Application", "RELAY_PORT", 5000,
                    "WS_RELAY_HEAP", "256m", "/health", "relay_events_sent_total", "events/s"));

    public static Optional<ServiceDef> byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
