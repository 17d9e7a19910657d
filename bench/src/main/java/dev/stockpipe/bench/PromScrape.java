package dev.stockpipe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads a service's Prometheus text: each metric name summed over its label sets (empty map when unreachable). */
final class PromScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PromScrape() {}

    static Map<String, Double> scrape(String url) {
        Map<String, Double> m = new HashMap<>();
        if (url == null) {
            return m;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = line.substring(0, brace > 0 && brace < space ? brace : line.indexOf(' '));
                try {
                    m.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                } catch (NumberFormatException e) {
                    // a value like NaN or +Inf of a gauge: not needed here
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return m;
    }

    /** Mean in ms of a seconds-histogram between two scrapes: Δsum / Δcount. */
    static double meanMs(Map<String, Double> before, Map<String, Double> after, String histogram) {
        double sum = after.getOrDefault(histogram + "_sum", 0.0) - before.getOrDefault(histogram + "_sum", 0.0);
        double count = after.getOrDefault(histogram + "_count", 0.0) - before.getOrDefault(histogram + "_count", 0.0);
        return count > 0 ? 1000 * sum / count : Double.NaN;
    }
}
