package dev.stockpipe.relay.core;

/** Which symbol strings the relay accepts from clients and Redis: US tickers, share classes, crypto pairs. */
public final class Symbols {
    private Symbols() {}

    public static final String WILDCARD = "*";
    public static final int MAX_LENGTH = 16;

    public static boolean isValid(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
