package dev.stockpipe.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaFrames;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin endpoint, for the same control from outside the JVM (no auth: it listens on loopback unless
 * BIND_HOST says otherwise).
 * <ul>
 *   <li>{@code POST /admin/faults/{drop-connections|go-silent?millis=|malformed-frame|duplicate-next-frame|
 *       refuse-connections?millis=|rest-429?times=|reject-upgrades?times=}}</li>
 *   <li>{@code POST /admin/pause}, {@code POST /admin/resume}, {@code POST /admin/frames} (body: a JSON frame or an array of frames)</li>
 *   <li>{@code GET /admin/ground-truth/trades|bars|daily-bars?start=&end=} (RFC 3339, half-open), {@code GET /admin/ground-truth/emitted}, {@code GET /admin/stats}</li>
 * </ul>
 */
final class AdminApi {
    private final AlpacaSimulator sim;

    AdminApi(AlpacaSimulator sim) {
        this.sim = sim;
    }

    HttpReply handle(HttpCall c) {
        try {
            return route(c);
        } catch (IllegalArgumentException e) {
            return HttpReply.error(400, e.getMessage());
        }
    }

    private HttpReply route(HttpCall c) {
        String p = c.path();
        boolean post = c.method().equals("POST");
        if (post && p.startsWith("/admin/faults/")) {
            return fault(p.substring("/admin/faults/".length()), c);
        }
        if (post && p.equals("/admin/pause")) {
            sim.pause();
            return ok("paused", true);
        }
        if (post && p.equals("/admin/resume")) {
            sim.resume();
            return ok("paused", false);
        }
        if (post && p.equals("/admin/frames")) {
            return frames(c.body());
        }
        if (c.method().equals("GET")) {
            switch (p) {
                case "/admin/ground-truth/trades": return trades(c);
                case "/admin/ground-truth/bars": return bars(sim.groundTruth().bars(from(c), to(c)));
                case "/admin/ground-truth/daily-bars": return bars(sim.groundTruth().dailyBars(from(c), to(c)));
                case "/admin/ground-truth/emitted": return emitted();
                case "/admin/stats": return stats();
                default: break;
            }
        }
        return HttpReply.error(404, "Not Found");
    }

    private HttpReply fault(String name, HttpCall c) {
        switch (name) {
            case "drop-connections" -> sim.faults().dropConnections();
            case "go-silent" -> sim.faults().goSilent(Duration.ofMillis(number(c, "millis", 5_000)));
            case "malformed-frame" -> sim.faults().sendMalformedFrame();
            case "duplicate-next-frame" -> sim.faults().duplicateNextFrame();
            case "refuse-connections" -> sim.faults().refuseConnections(Duration.ofMillis(number(c, "millis", 5_000)));
            case "rest-429" -> sim.faults().rest429((int) number(c, "times", 1));
            case "reject-upgrades" -> sim.faults().rejectUpgrades((int) number(c, "times", 1));
            default -> {
                return HttpReply.error(404, "unknown fault '" + name + "'");
            }
        }
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeStringField("fault", name);
            g.writeBooleanField("applied", true);
            g.writeEndObject();
        }));
    }

    private HttpReply frames(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isArray()) {
            throw new IllegalArgumentException("body must be a JSON frame (array of messages) or an array of frames");
        }
        List<String> frames = new ArrayList<>();
        if (tree.size() > 0 && tree.get(0).isArray()) {
            tree.forEach(f -> frames.add(f.toString()));
        } else {
            frames.add(new String(body, StandardCharsets.UTF_8));
        }
        sim.script(frames);
        return ok("frames", frames.size());
    }

    private HttpReply trades(HttpCall c) {
        List<SimTrade> trades = sim.groundTruth().trades(from(c), to(c));
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("trades");
            for (SimTrade t : trades) {
                g.writeStartObject();
                g.writeStringField("status", t.status().label());
                g.writeBooleanField("replacement", t.replacement());
                g.writeNumberField("seq", t.seq());
                g.writeFieldName("trade");
                g.writeRawValue(new String(AlpacaFrames.toJsonObject(t.trade()), StandardCharsets.UTF_8));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private static HttpReply bars(List<AlpacaBar> bars) {
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("bars");
            for (AlpacaBar b : bars) {
                g.writeRawValue(new String(AlpacaFrames.toJsonObject(b), StandardCharsets.UTF_8));
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private HttpReply emitted() {
        List<AlpacaMessage> ms = sim.groundTruth().emitted();
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("messages");
            for (AlpacaMessage m : ms) {
                g.writeRawValue(new String(AlpacaFrames.toJsonObject(m), StandardCharsets.UTF_8));
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private HttpReply stats() {
        SimStats s = sim.stats();
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeNumberField("connections", s.connections());
            g.writeNumberField("authenticated", s.authenticated());
            g.writeNumberField("frames_sent", s.framesSent());
            g.writeNumberField("messages_sent", s.messagesSent());
            g.writeNumberField("trades_emitted", s.tradesEmitted());
            g.writeNumberField("bars_emitted", s.barsEmitted());
            g.writeNumberField("corrections_emitted", s.correctionsEmitted());
            g.writeNumberField("cancels_emitted", s.cancelsEmitted());
            g.writeNumberField("client_errors", s.clientErrors());
            g.writeNumberField("slow_client_disconnects", s.slowClientDisconnects());
            g.writeNumberField("dropped_while_silent", s.droppedWhileSilent());
            g.writeNumberField("rest_requests", s.restRequests());
            g.writeNumberField("rest_429", s.rest429());
            g.writeNumberField("upgrades_rejected", s.upgradesRejected());
            g.writeStringField("model_time", MarketTime.formatInstant(s.modelTime()));
            g.writeBooleanField("paused", s.paused());
            g.writeEndObject();
        }));
    }

    private static HttpReply ok(String field, Object value) {
        return HttpReply.json(200, HttpReply.write(g -> {
            g.writeStartObject();
            g.writeObjectField(field, value);
            g.writeEndObject();
        }));
    }

    private static long number(HttpCall c, String name, long dflt) {
        String v = c.param(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    private static Instant from(HttpCall c) {
        return instant(c, "start", Instant.EPOCH);
    }

    private static Instant to(HttpCall c) {
        return instant(c, "end", Instant.parse("9999-01-01T00:00:00Z"));
    }

    private static Instant instant(HttpCall c, String name, Instant dflt) {
        String v = c.param(name);
        if (v == null) {
            return dflt;
        }
        try {
            return MarketTime.parseInstant(v);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(name + " must be RFC 3339, got '" + v + "'");
        }
    }
}
