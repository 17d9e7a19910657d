package dev.stockpipe.relay.core;

import java.nio.charset.StandardCharsets;

/** Live event JSON as the bridge writes it (LiveEvents shape), with a sequence number in trade_id. */
final class Events {
    private Events() {}

    static String tradeJson(String symbol, long seq) {
        return "{\"type\":\"trade\",\"symbol\":\"" + symbol + "\",\"price\":100." + (seq % 100) + ",\"size\":1,"
                + "\"timestamp\":\"2024-01-02T15:00:00Z\",\"exchange\":\"V\",\"trade_id\":" + seq
                + ",\"conditions\":[\"@\"],\"tape\":\"C\",\"received_at\":1700000000000000000}";
    }

    static Outbound trade(String symbol, long seq) {
        try {
            return LiveEventParser.parse(tradeJson(symbol, seq).getBytes(StandardCharsets.UTF_8), 1L);
        } catch (LiveEventParser.BadEventException e) {
            throw new AssertionError(e);
        }
    }

    static long tradeId(String json) {
        int i = json.indexOf("\"trade_id\":");
        int end = json.indexOf(',', i);
        return Long.parseLong(json.substring(i + 11, end));
    }

    static String symbol(String json) {
        int i = json.indexOf("\"symbol\":\"");
        return json.substring(i + 10, json.indexOf('"', i + 10));
    }
}
