package dev.stockpipe.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockpipe.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response: status, content type, body and extra headers. */
record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json; charset=UTF-8";

    static HttpReply json(int status, byte[] body) {
        return new HttpReply(status, JSON, body, new LinkedHashMap<>());
    }

    static HttpReply text(int status, String body) {
        return new HttpReply(status, "text/plain; version=0.0.4; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }

    /** Alpaca's error body: {@code {"message":"..."}} (§7). */
    static HttpReply error(int status, String message) {
        return json(status, write(g -> {
            g.writeStartObject();
            g.writeStringField("message", message);
            g.writeEndObject();
        }));
    }

    HttpReply with(String header, String value) {
        headers.put(header, value);
        return this;
    }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
