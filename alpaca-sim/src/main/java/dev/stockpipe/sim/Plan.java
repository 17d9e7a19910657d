package dev.stockpipe.sim;

import java.util.Set;

/** What the simulated account may use (reference §1, §6): feeds and the symbol limit. */
public enum Plan {
    /** Free plan: iex, test and delayed_sip; sip answers 409; 30 symbols on trades + quotes. */
    BASIC(Set.of("iex", "test", "delayed_sip"), 30),
    /** Algo Trader Plus: every feed, no symbol limit. */
    UNLIMITED(Set.of("iex", "sip", "test", "delayed_sip"), 0);

    /** Every feed path the simulator serves at {@code /v2/{feed}}; others get HTTP 404 at the upgrade. */
    public static final Set<String> FEEDS = Set.of("iex", "sip", "test", "delayed_sip");

    private final Set<String> feeds;
    private final int symbolLimit;

    Plan(Set<String> feeds, int symbolLimit) {
        this.feeds = feeds;
        this.symbolLimit = symbolLimit;
    }

    public boolean allows(String feed) {
        return feeds.contains(feed);
    }

    /** 0 = unlimited. */
    public int symbolLimit() {
        return symbolLimit;
    }

    public static Plan parse(String s) {
        return valueOf(s.trim().toUpperCase());
    }
}
