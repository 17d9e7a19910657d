package dev.stockpipe.streams.validate;

import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaParser;
import java.util.Arrays;
import java.util.Set;

/**
 * Judges one raw record: null value, the market-model rules ({@link AlpacaParser#parseJsonMessage}),
 * the message types allowed on the topic, and key = symbol. Returns the message or a {@link Reject}
 * carrying the source coordinates and the raw bytes; it never throws for bad input.
 */
public final class RawValidator {
    /** Raw bytes kept in a reject at most: a 1 MB record must not make a reject the broker refuses. */
    public static final int MAX_REJECT_RAW_BYTES = 64 * 1024;

    private final AlpacaParser parser;
    private final Set<String> allowedTypes;

    public RawValidator(AlpacaParser parser, Set<String> allowedTypes) {
        this.parser = parser;
        this.allowedTypes = Set.copyOf(allowedTypes);
    }

    /** The message, or why it is rejected. Exactly one of the two is non-null. */
    public record Outcome(AlpacaMessage message, Reject reject) {
        public boolean rejected() {
            return reject != null;
        }
    }

    public Outcome validate(String key, byte[] value, String topic, int partition, long offset) {
        if (value == null) {
            return rejected(RejectReason.NULL_VALUE, "record has no value", topic, partition, offset, null);
        }
        AlpacaMessage m;
        try {
            m = parser.parseJsonMessage(value);
        } catch (MessageFormatException e) {
            return rejected(e.reason(), e.getMessage(), topic, partition, offset, value);
        } catch (RuntimeException e) {
            // The parser promises MessageFormatException; anything else is still bad input, not a crash.
            return rejected(RejectReason.MALFORMED_JSON, "unparseable: " + e, topic, partition, offset, value);
        }
        if (!allowedTypes.contains(m.type())) {
            return rejected(RejectReason.UNEXPECTED_TYPE,
                    "T='" + m.type() + "' does not belong on " + topic + " (expected one of " + allowedTypes + ")",
                    topic, partition, offset, value);
        }
        if (key == null) {
            return rejected(RejectReason.KEY_MISMATCH, "record key is null, S='" + m.symbol() + "'", topic, partition, offset, value);
        }
        if (!key.equals(m.symbol())) {
            return rejected(RejectReason.KEY_MISMATCH, "record key '" + clip(key) + "' differs from S='" + m.symbol() + "'",
                    topic, partition, offset, value);
        }
        return new Outcome(m, null);
    }

    public static Outcome rejected(RejectReason reason, String detail, String topic, int partition, long offset, byte[] raw) {
        return new Outcome(null, reject(reason, detail, topic, partition, offset, raw));
    }

    /** A reject whose raw text is cut at {@link #MAX_REJECT_RAW_BYTES} (on a UTF-8 boundary), saying so in the detail. */
    public static Reject reject(RejectReason reason, String detail, String topic, int partition, long offset, byte[] raw) {
        byte[] kept = raw;
        String d = detail;
        if (raw != null && raw.length > MAX_REJECT_RAW_BYTES) {
            int end = MAX_REJECT_RAW_BYTES;
            // Back up over UTF-8 continuation bytes so valid text stays valid text.
            while (end > 0 && (raw[end] & 0xC0) == 0x80) {
                end--;
            }
            kept = Arrays.copyOf(raw, end);
            d = detail + " (raw truncated to the first " + end + " of " + raw.length + " bytes)";
        }
        return Reject.of(reason, d, topic, partition, offset, kept);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
