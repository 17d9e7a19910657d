package dev.stockpipe.sim;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The simulator's counters, also exported as Prometheus text at {@code /metrics}. */
final class SimMetrics {
    final LongAdder framesSent = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder trades = new LongAdder();
    final LongAdder bars = new LongAdder();
    final LongAdder corrections = new LongAdder();
    final LongAdder cancels = new LongAdder();
    final LongAdder clientErrors = new LongAdder();
    final LongAdder slowClients = new LongAdder();
    final LongAdder droppedSilent = new LongAdder();
    final LongAdder restRequests = new LongAdder();
    final LongAdder rest429 = new LongAdder();
    final LongAdder upgradesRejected = new LongAdder();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    SimMetrics(IntSupplier connections, IntSupplier authenticated) {
        counter("alpaca_sim_frames_sent", "WebSocket data and control frames written", framesSent);
        counter("alpaca_sim_messages_sent", "Alpaca messages written to sockets", messagesSent);
        counter("alpaca_sim_trades_emitted", "trades the market model emitted", trades);
        counter("alpaca_sim_bars_emitted", "minute, updated and daily bars emitted", bars);
        counter("alpaca_sim_corrections_emitted", "corrections emitted", corrections);
        counter("alpaca_sim_cancels_emitted", "cancels emitted", cancels);
        counter("alpaca_sim_client_errors", "error replies sent to clients", clientErrors);
        counter("alpaca_sim_slow_client_disconnects", "sessions closed with 407 slow client", slowClients);
        counter("alpaca_sim_dropped_while_silent", "messages not sent because a go-silent fault was active", droppedSilent);
        counter("alpaca_sim_rest_requests", "historical REST requests", restRequests);
        counter("alpaca_sim_rest_429", "REST requests answered 429", rest429);
        counter("alpaca_sim_upgrades_rejected", "WebSocket upgrades answered with HTTP 429", upgradesRejected);
        Gauge.builder("alpaca_sim_connections", connections::getAsInt).description("open WebSocket sessions").register(registry);
        Gauge.builder("alpaca_sim_authenticated", authenticated::getAsInt).description("authenticated sessions").register(registry);
    }

    private void counter(String name, String doc, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(doc).register(registry);
    }

    String scrape() {
        return registry.scrape();
    }
}
