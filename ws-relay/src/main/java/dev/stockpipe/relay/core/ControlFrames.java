package dev.stockpipe.relay.core;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockpipe.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/** The server's own frames of the /ws protocol (DESIGN.md): {@code subscribed} and {@code error}. */
public final class ControlFrames {
    private ControlFrames() {}

    public static Outbound subscribed(Collection<String> symbols, boolean wildcard) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + symbols.size() * 8);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "subscribed");
            g.writeArrayFieldStart("symbols");
            if (wildcard) {
                g.writeString(Symbols.WILDCARD);
            }
            for (String s : symbols) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Outbound.control("subscribed", out.toByteArray());
    }

    public static Outbound error(String code, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Outbound.control("error", out.toByteArray());
    }
}
