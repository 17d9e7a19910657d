package dev.stockpipe.sim;

import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaSubscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's subscription set, immutable: a change makes a new one, so the market thread reads a
 * consistent set without locks. {@code corrections} and {@code cancelErrors} mirror {@code trades} (§2.2).
 */
final class Subscriptions {
    /** Channels a client may subscribe to, in the reply order of the reference (§9). */
    static final List<String> CLIENT_CHANNELS = List.of(
            "trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "imbalances");
    static final String WILDCARD = "*";
    static final Subscriptions EMPTY = new Subscriptions(Map.of());

    private final Map<String, Set<String>> channels;

    private Subscriptions(Map<String, Set<String>> channels) {
        this.channels = channels;
    }

    /** The set after adding ({@code subscribe}) or removing the given symbols per channel. */
    Subscriptions apply(Map<String, List<String>> delta, boolean subscribe) {
        Map<String, Set<String>> next = new LinkedHashMap<>();
        for (String ch : CLIENT_CHANNELS) {
            Set<String> s = new LinkedHashSet<>(channels.getOrDefault(ch, Set.of()));
            List<String> d = delta.get(ch);
            if (d != null) {
                if (subscribe) {
                    s.addAll(d);
                } else {
                    s.removeAll(d); // unsubscribing one symbol under "*" leaves "*" in force (§2.2 [U])
                }
            }
            if (!s.isEmpty()) {
                next.put(ch, java.util.Collections.unmodifiableSet(s));
            }
        }
        return new Subscriptions(next);
    }

    /** Distinct explicit symbols of trades and quotes: what plan limits count ("*" does not count). */
    int limitedSymbolCount() {
        Set<String> all = new LinkedHashSet<>(channels.getOrDefault("trades", Set.of()));
        all.addAll(channels.getOrDefault("quotes", Set.of()));
        all.remove(WILDCARD);
        return all.size();
    }

    boolean isEmpty() {
        return channels.isEmpty();
    }

    boolean wants(String channel, String symbol) {
        Set<String> s = channels.get(channel);
        return s != null && (s.contains(WILDCARD) || s.contains(symbol));
    }

    /** Whether this message goes to the session: channel of its T, and its symbol. */
    boolean wants(AlpacaMessage m) {
        String ch = channelOf(m.type());
        return ch != null && wants(ch, m.symbol());
    }

    static String channelOf(String t) {
        switch (t) {
            case "t": case "c": case "x": return "trades";
            case "q": return "quotes";
            case "b": return "bars";
            case "u": return "updatedBars";
            case "d": return "dailyBars";
            case "s": return "statuses";
            case "l": return "lulds";
            case "i": return "imbalances";
            default: return null;
        }
    }

    /** The complete {@code subscription} reply: every channel, empty ones included (§12.3). */
    AlpacaSubscription reply(boolean withImbalances) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String ch : List.of("trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds")) {
            m.put(ch, new ArrayList<>(channels.getOrDefault(ch, Set.of())));
        }
        List<String> trades = new ArrayList<>(channels.getOrDefault("trades", Set.of()));
        m.put("corrections", trades);
        m.put("cancelErrors", trades);
        if (withImbalances) {
            m.put("imbalances", new ArrayList<>(channels.getOrDefault("imbalances", Set.of())));
        }
        return AlpacaSubscription.complete(m);
    }
}
