package dev.stockpipe.relay.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client → server half of the /ws protocol, independent of the transport: rate limit, size limit, JSON,
 * action, symbols; then the subscription change, the {@code subscribed} reply and the snapshot request. Bad
 * input is answered with an {@code error} frame and counted; only flooding closes the connection.
 */
public final class ClientProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ClientProtocol.class);

    private final FanOut fanOut;
    private final SnapshotSource snapshots;
    private final RelayMetrics metrics;
    private final LongSupplier nanoClock;
    private final int maxSymbols;
    private final int maxMessageBytes;
    private final int rateLimit;
    private final int floodLimit;

    public ClientProtocol(FanOut fanOut, SnapshotSource snapshots, RelayMetrics metrics, LongSupplier nanoClock,
                          int maxSymbols, int maxMessageBytes, int rateLimit, int floodLimit) {
        this.fanOut = fanOut;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.maxSymbols = maxSymbols;
        this.maxMessageBytes = maxMessageBytes;
        this.rateLimit = rateLimit;
        this.floodLimit = floodLimit;
    }

    /** A text frame from the client, as UTF-8 bytes. */
    public void onText(RelayClient c, byte[] utf8) {
        if (!admit(c)) {
            return;
        }
        if (utf8.length > maxMessageBytes) {
            error(c, "message_too_large", "messages are limited to " + maxMessageBytes + " bytes, got " + utf8.length);
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(utf8);
        } catch (JsonProcessingException e) {
            error(c, "bad_json", "not valid JSON: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            error(c, "bad_json", "not valid JSON");
            return;
        }
        if (root == null || !root.isObject()) {
            error(c, "bad_request", "expected a JSON object like {\"action\":\"subscribe\",\"symbols\":[\"AAPL\"]}");
            return;
        }
        JsonNode action = root.get("action");
        if (action == null || !action.isTextual()) {
            error(c, "bad_request", "missing string field action (subscribe or unsubscribe)");
            return;
        }
        switch (action.asText()) {
            case "subscribe" -> symbols(c, root.get("symbols"), true);
            case "unsubscribe" -> symbols(c, root.get("symbols"), false);
            case "ping" -> c.queue().offerControl(Outbound.control("pong", "{\"type\":\"pong\"}".getBytes()));
            default -> error(c, "unknown_action", "unknown action '" + abbreviate(action.asText())
                    + "'; use subscribe or unsubscribe");
        }
    }

    /**
     * A subscribe or unsubscribe from another transport (Socket.IO's {@code subscribe}/{@code unsubscribe}
     * events, whose argument is {@code symbols}): the same rate limits, validation and replies as /ws.
     *
     * @return the reply queued for the client ({@code subscribed} or {@code error}), or null when the message
     *         was not admitted (over the rate limit or flooding)
     */
    public Outbound onCommand(RelayClient c, String action, JsonNode symbols) {
        if (!admit(c)) {
            return null;
        }
        if (symbols == null || !(symbols.isTextual() || symbols.isArray())) {
            return error(c, "invalid_symbol", "expected a symbol string or an array of symbol strings, got "
                    + (symbols == null ? "nothing" : symbols.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        switch (action) {
            case "subscribe":
                return symbols(c, symbols, true);
            case "unsubscribe":
                return symbols(c, symbols, false);
            default:
                return error(c, "unknown_action", "unknown action '" + abbreviate(action) + "'");
        }
    }

    /**
     * Bad input a transport found before it reached this protocol (a malformed packet, an unknown event):
     * counted against the client's rate like any message, answered with an {@code error} frame.
     *
     * @return the error frame queued, or null when the message was not admitted
     */
    public Outbound reject(RelayClient c, String code, String message) {
        if (!admit(c)) {
            return null;
        }
        return error(c, code, message);
    }

    /** A binary frame: the protocol is JSON text only. */
    public void onBinary(RelayClient c, int length) {
        if (admit(c)) {
            error(c, "binary_not_supported", "binary frames are not supported; send JSON text frames");
        }
    }

    /** A message (possibly fragmented) as assembled by {@link MessageAssembler}. */
    public void onMessage(RelayClient c, MessageAssembler.Message m) {
        switch (m.kind()) {
            case TEXT -> onText(c, m.bytes());
            case BINARY -> onBinary(c, (int) Math.min(Integer.MAX_VALUE, m.size()));
            case TOO_LARGE -> {
                if (admit(c)) {
                    error(c, "message_too_large", "messages are limited to " + maxMessageBytes + " bytes, got "
                            + m.size());
                }
            }
            default -> { }
        }
    }

    private boolean admit(RelayClient c) {
        RelayClient.Rate r = c.countMessage(nanoClock.getAsLong(), rateLimit, floodLimit);
        switch (r) {
            case OK:
                return true;
            case OVER_LIMIT_WARN:
                error(c, "rate_limited", "more than " + rateLimit + " messages per second; message ignored");
                return false;
            case OVER_LIMIT_QUIET:
                metrics.clientError("rate_limited");
                return false;
            case FLOOD:
            default:
                fanOut.drop(c, CloseCodes.POLICY_VIOLATION, "flooding: more than " + floodLimit
                        + " messages per second", "flooding", null);
                return false;
        }
    }

    private Outbound symbols(RelayClient c, JsonNode node, boolean subscribe) {
        List<String> requested = new ArrayList<>();
        if (node != null && node.isTextual()) {
            requested.add(node.asText());
        } else if (node != null && node.isArray()) {
            if (node.size() > maxSymbols) {
                return error(c, "too_many_symbols", "at most " + maxSymbols + " symbols per client, got " + node.size());
            }
            for (JsonNode n : node) {
                if (!n.isTextual()) {
                    return error(c, "invalid_symbol", "symbols must be strings");
                }
                requested.add(n.asText());
            }
        } else {
            return error(c, "bad_request", "missing field symbols: an array of symbols, or \"*\" for all");
        }
        boolean all = false;
        Set<String> names = new LinkedHashSet<>();
        for (String raw : requested) {
            String s = raw.trim().toUpperCase(Locale.ROOT);
            if (Symbols.WILDCARD.equals(s)) {
                all = true;
            } else if (Symbols.isValid(s)) {
                names.add(s);
            } else {
                return error(c, "invalid_symbol", "invalid symbol '" + abbreviate(raw) + "'; nothing changed");
            }
        }
        return subscribe ? subscribe(c, names, all) : unsubscribe(c, names, all);
    }

    private Outbound subscribe(RelayClient c, Set<String> names, boolean all) {
        Set<String> current = c.symbols();
        int after = current.size() + (int) names.stream().filter(s -> !current.contains(s)).count();
        if (after > maxSymbols) {
            return error(c, "too_many_symbols", "at most " + maxSymbols + " symbols per client; this would make "
                    + after + "; nothing changed");
        }
        boolean newlyAll = all && !c.isWildcard();
        List<String> added = fanOut.subscribe(c, names);
        if (newlyAll) {
            c.queue().expectWildcardSnapshot();
            fanOut.subscribeAll(c);
        } else if (!added.isEmpty()) {
            c.queue().expectSnapshots(added);
        }
        Outbound reply = ControlFrames.subscribed(c.symbols(), c.isWildcard());
        c.queue().offerControl(reply);
        if (newlyAll) {
            snapshots.allLatestTrades().whenComplete((map, err) -> {
                if (err != null) {
                    LOG.warn("snapshot of all symbols for {} failed: {}", c, err.toString());
                    return;
                }
                c.queue().offerSnapshots(parse(map), true);
            });
        } else if (!added.isEmpty()) {
            snapshots.latestTrades(added).whenComplete((values, err) -> {
                if (err != null) {
                    LOG.warn("snapshot of {} for {} failed: {}", added, c, err.toString());
                    c.queue().cancelSnapshots(added);
                    return;
                }
                List<Outbound> found = new ArrayList<>();
                for (byte[] v : values) {
                    Outbound o = parseOne(v);
                    if (o != null) {
                        found.add(o);
                    }
                }
                c.queue().offerSnapshots(found, false);
            });
        }
        return reply;
    }

    private Outbound unsubscribe(RelayClient c, Set<String> names, boolean all) {
        if (all) {
            fanOut.unsubscribeAll(c);
            c.queue().cancelAllSnapshots();
        } else {
            List<String> removed = fanOut.unsubscribe(c, names);
            c.queue().cancelSnapshots(removed);
        }
        Outbound reply = ControlFrames.subscribed(c.symbols(), c.isWildcard());
        c.queue().offerControl(reply);
        return reply;
    }

    private List<Outbound> parse(Map<String, byte[]> map) {
        List<Outbound> out = new ArrayList<>(map.size());
        for (byte[] v : map.values()) {
            Outbound o = parseOne(v);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private Outbound parseOne(byte[] v) {
        if (v == null) {
            return null;
        }
        try {
            return LiveEventParser.parse(v, 0L);
        } catch (LiveEventParser.BadEventException e) {
            metrics.badRedisMessage();
            LOG.warn("bad snapshot value in the latest-trades hash: {}", e.getMessage());
            return null;
        }
    }

    private Outbound error(RelayClient c, String code, String message) {
        metrics.clientError(code);
        LOG.debug("{}: error {}: {}", c, code, message);
        Outbound e = ControlFrames.error(code, message);
        c.queue().offerControl(e);
        return e;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
