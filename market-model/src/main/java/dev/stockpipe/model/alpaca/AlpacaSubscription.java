package dev.stockpipe.model.alpaca;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code T:"subscription"}: the complete current set after every change, channel -> symbols.
 * A channel missing from a reply is treated as empty (reference §2.2).
 */
public record AlpacaSubscription(Map<String, List<String>> channels) implements AlpacaMessage {
    public static final String T = "subscription";

    /** Every channel, in the order the reference says replies list them (§9). */
    public static final List<String> CHANNELS = List.of(
            "trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "corrections", "cancelErrors");

    public AlpacaSubscription {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (channels != null) {
            channels.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        channels = Collections.unmodifiableMap(copy);
    }

    /** The symbols of one channel; empty when the reply left the channel out. */
    public List<String> symbols(String channel) {
        return channels.getOrDefault(channel, List.of());
    }

    /** A reply listing every channel of {@link #CHANNELS}, empty ones included, as Alpaca's clients expect. */
    public static AlpacaSubscription complete(Map<String, List<String>> current) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String ch : CHANNELS) {
            all.put(ch, new ArrayList<>(current.getOrDefault(ch, List.of())));
        }
        current.forEach(all::putIfAbsent);
        return new AlpacaSubscription(all);
    }

    @Override
    public String type() {
        return T;
    }
}
