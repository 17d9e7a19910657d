package dev.stockpipe.relay.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame to send, encoded once and shared by every client that gets it: the /ws form ({@link #json}) and,
 * built on first use and then shared by every Socket.IO client, the Socket.IO form ({@link #socketIoFrame}).
 *
 * <p>Accessors: {@code conflationKey} — events with the same key replace each other while a client conflates
 * ("trade:AAPL", "bar:AAPL"), null for control frames, which are never dropped; {@code symbol} — null for control
 * frames; {@code trade} — a live trade makes a pending snapshot stale; {@code json} — the UTF-8 JSON text of one
 * /ws text frame; {@code relayReceivedNanos} — {@link System#nanoTime()} at the Redis receive, 0 for control
 * frames and snapshots (not counted in the fan-out latency); {@code sourceEpochNanos} — the event's
 * {@code received_at} at the bridge, 0 when absent; {@code event} — the Socket.IO event name ("trade", "bar",
 * "subscribed", "error"), or null for a {@link #raw} transport packet.
 */
public final class Outbound {
    private static final byte[] EVENT_PREFIX = "42[\"".getBytes(StandardCharsets.US_ASCII);

    private final String conflationKey;
    private final String symbol;
    private final boolean trade;
    private final byte[] json;
    private final long relayReceivedNanos;
    private final long sourceEpochNanos;
    private final String event;
    private final boolean raw;
    /** The Socket.IO frame, built by the first Socket.IO client that sends it (a benign race: same bytes). */
    private volatile byte[] socketIo;

    public Outbound(String conflationKey, String symbol, boolean trade, byte[] json, long relayReceivedNanos,
                    long sourceEpochNanos) {
        this(conflationKey, symbol, trade, json, relayReceivedNanos, sourceEpochNanos, typeOf(conflationKey), false);
    }

    public Outbound(String conflationKey, String symbol, boolean trade, byte[] json, long relayReceivedNanos,
                    long sourceEpochNanos, String event) {
        this(conflationKey, symbol, trade, json, relayReceivedNanos, sourceEpochNanos, event, false);
    }

    private Outbound(String conflationKey, String symbol, boolean trade, byte[] json, long relayReceivedNanos,
                     long sourceEpochNanos, String event, boolean raw) {
        this.conflationKey = conflationKey;
        this.symbol = symbol;
        this.trade = trade;
        this.json = json;
        this.relayReceivedNanos = relayReceivedNanos;
        this.sourceEpochNanos = sourceEpochNanos;
        this.event = event;
        this.raw = raw;
    }

    private static String typeOf(String conflationKey) {
        if (conflationKey == null) {
            return null;
        }
        int i = conflationKey.indexOf(':');
        return i < 0 ? conflationKey : conflationKey.substring(0, i);
    }

    /** A control frame of the /ws protocol whose {@code type} is {@code event}. */
    public static Outbound control(String event, byte[] json) {
        return new Outbound(null, null, false, json, 0L, 0L, event, false);
    }

    /** A control frame; its Socket.IO event name is read from the leading {@code "type"} field. */
    public static Outbound control(byte[] json) {
        return control(sniffType(json), json);
    }

    /**
     * A packet of one transport, sent exactly as given (e.g. a Socket.IO acknowledgement); it goes through the
     * client's queue so it keeps its place among the events. Never created for /ws clients.
     */
    public static Outbound raw(byte[] packet) {
        return new Outbound(null, null, false, packet, 0L, 0L, null, true);
    }

    /** The same event re-stamped as a snapshot (excluded from latency metrics). */
    public Outbound asSnapshot() {
        return new Outbound(conflationKey, symbol, trade, json, 0L, sourceEpochNanos, event, raw);
    }

    public String conflationKey() {
        return conflationKey;
    }

    public String symbol() {
        return symbol;
    }

    public boolean trade() {
        return trade;
    }

    public byte[] json() {
        return json;
    }

    public long relayReceivedNanos() {
        return relayReceivedNanos;
    }

    public long sourceEpochNanos() {
        return sourceEpochNanos;
    }

    public String event() {
        return event;
    }

    public boolean isRaw() {
        return raw;
    }

    public boolean isControl() {
        return conflationKey == null;
    }

    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * The Engine.IO message carrying this as a Socket.IO EVENT, {@code 42["<event>",<json>]}, or the raw packet
     * itself. Built once per event, then the same array goes to every Socket.IO client.
     */
    public byte[] socketIoFrame() {
        if (raw) {
            return json;
        }
        byte[] f = socketIo;
        if (f == null) {
            byte[] name = eventName(event == null ? "message" : event);
            f = new byte[EVENT_PREFIX.length + name.length + 2 + json.length + 1];
            int p = 0;
            System.arraycopy(EVENT_PREFIX, 0, f, p, EVENT_PREFIX.length);
            p += EVENT_PREFIX.length;
            System.arraycopy(name, 0, f, p, name.length);
            p += name.length;
            f[p++] = '"';
            f[p++] = ',';
            System.arraycopy(json, 0, f, p, json.length);
            p += json.length;
            f[p] = ']';
            socketIo = f;
        }
        return f;
    }

    /** The event name as the inside of a JSON string (the type comes from Redis input: escape what needs it). */
    private static byte[] eventName(String name) {
        if (name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')) {
            return name.getBytes(StandardCharsets.US_ASCII);
        }
        try {
            byte[] quoted = dev.stockpipe.model.Json.MAPPER.writeValueAsBytes(name);
            return Arrays.copyOfRange(quoted, 1, quoted.length - 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "message".getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The value of a leading {@code {"type":"..."}} field, or null. */
    private static String sniffType(byte[] json) {
        String head = new String(json, 0, Math.min(json.length, 48), StandardCharsets.UTF_8);
        String prefix = "{\"type\":\"";
        if (!head.startsWith(prefix)) {
            return null;
        }
        int end = head.indexOf('"', prefix.length());
        return end < 0 ? null : head.substring(prefix.length(), end);
    }

    @Override
    public String toString() {
        return "Outbound[" + (raw ? "raw " : event + " ") + (symbol == null ? "" : symbol + " ")
                + new String(json, 0, Math.min(json.length, 80), StandardCharsets.UTF_8) + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Outbound)) {
            return false;
        }
        Outbound x = (Outbound) o;
        return trade == x.trade && raw == x.raw && relayReceivedNanos == x.relayReceivedNanos
                && sourceEpochNanos == x.sourceEpochNanos && java.util.Objects.equals(conflationKey, x.conflationKey)
                && java.util.Objects.equals(symbol, x.symbol) && java.util.Objects.equals(event, x.event)
                && Arrays.equals(json, x.json);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(conflationKey, symbol, trade, relayReceivedNanos) * 31 + Arrays.hashCode(json);
    }
}
