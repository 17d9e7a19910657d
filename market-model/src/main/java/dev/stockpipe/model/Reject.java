package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A record on {@code stocks.rejects}: invalid input or an expired orphan correction/cancel, with the
 * original bytes kept as data ({@code raw} as UTF-8 text when it is valid UTF-8, else base64).
 */
@JsonPropertyOrder({"reason", "detail", "source_topic", "source_partition", "source_offset", "raw", "raw_encoding"})
public record Reject(
        @JsonProperty("reason") String reason,
        @JsonProperty("detail") String detail,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") int sourcePartition,
        @JsonProperty("source_offset") long sourceOffset,
        @JsonProperty("raw") String raw,
        @JsonProperty("raw_encoding") String rawEncoding) {

    public static final String UTF8 = "utf8";
    public static final String BASE64 = "base64";

    public Reject {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(rawEncoding, "raw_encoding");
    }

    /** Builds a reject keeping {@code raw} as text when it decodes as UTF-8, else as base64. */
    public static Reject of(RejectReason reason, String detail, String topic, int partition, long offset, byte[] raw) {
        String text = null;
        String encoding = UTF8;
        if (raw != null) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                text = Base64.getEncoder().encodeToString(raw);
                encoding = BASE64;
            }
        }
        return new Reject(reason.code(), detail, topic, partition, offset, text, encoding);
    }

    /** The original bytes, decoded from {@code raw} and {@code raw_encoding}. */
    public byte[] rawBytes() {
        if (raw == null) {
            return null;
        }
        return BASE64.equals(rawEncoding) ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
    }
}
