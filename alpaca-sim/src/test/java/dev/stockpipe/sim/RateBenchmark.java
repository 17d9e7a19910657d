package dev.stockpipe.sim;

import static dev.stockpipe.sim.client.ProtocolClient.map;

import dev.stockpipe.sim.client.ProtocolClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: prints the sustained rate of trades emitted by the model and received by one JSON client.
 * <pre>
 * mvn -q -B -o -pl alpaca-sim test-compile && cd alpaca-sim && \
 *   java -Xmx512m -cp target/test-classes:target/classes:$(cat target/classpath.txt) dev.stockpipe.sim.RateBenchmark 60000 20
 * </pre>
 */
public final class RateBenchmark {
    private RateBenchmark() {}

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 60_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(1L)
                .symbols(List.of("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "SPY"))
                .tradesPerSecond(rate).quoteRate(0).keepGroundTruth(false).start()) {
            // A counting client (decoding into maps is the bottleneck of the test client, not of the server).
            AtomicLong count = new AtomicLong();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(sim.streamUri("iex")),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            String s = data.toString();
                            for (int i = s.indexOf("{\"T\":\"t\""); i >= 0; i = s.indexOf("{\"T\":\"t\"", i + 1)) {
                                count.incrementAndGet();
                            }
                            w.request(1);
                            return null;
                        }
                    }).join();
            ws.sendText(ProtocolClient.toJson(map("action", "auth", "key", "test", "secret", "test")), true).join();
            ws.sendText(ProtocolClient.toJson(map("action", "subscribe", "trades", List.of("*"))), true).join();
            Thread.sleep(3_000); // warm-up
            long t0 = System.nanoTime();
            long e0 = sim.stats().tradesEmitted();
            long r0 = count.get();
            Thread.sleep(seconds * 1000L);
            double s = (System.nanoTime() - t0) / 1e9;
            long emitted = sim.stats().tradesEmitted() - e0;
            long received = count.get() - r0;
            System.out.printf("configured %.0f trades/s over %.1f s: model emitted %.0f trades/s, client received %.0f trades/s, slow-client disconnects %d%n",
                    rate, s, emitted / s, received / s, sim.stats().slowClientDisconnects());
            ws.abort();
        }
    }
}
