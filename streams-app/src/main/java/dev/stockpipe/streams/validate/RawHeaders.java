package dev.stockpipe.streams.validate;

import dev.stockpipe.model.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads the raw topics' headers (DESIGN.md); a missing or garbled header is "unknown", never an error. */
public final class RawHeaders {
    private RawHeaders() {}

    /** {@code received-at} (epoch nanoseconds) as an instant, or null. */
    public static Instant receivedAt(Headers headers) {
        String v = text(headers, RecordHeaders.RECEIVED_AT);
        if (v == null) {
            return null;
        }
        try {
            long nanos = Long.parseLong(v.trim());
            return nanos <= 0 ? null : Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True when the record came from the REST backfill ({@code source=backfill}). */
    public static boolean isBackfill(Headers headers) {
        return RecordHeaders.SOURCE_BACKFILL.equals(text(headers, RecordHeaders.SOURCE));
    }

    private static String text(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
