package dev.stockpipe.model.alpaca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.RejectReason;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.MessageBufferOutput;
import org.msgpack.core.buffer.ArrayBufferOutput;
import org.msgpack.value.ValueType;

/**
 * Converts MessagePack to and from the same JSON tree the JSON path uses, so one parser serves both
 * encodings. The timestamp extension (type -1) becomes RFC 3339 text with nanoseconds; float64 prices
 * become the shortest decimal that round-trips ({@code 162.92}, not {@code 162.919999...}).
 */
public final class MsgpackTree {
    private MsgpackTree() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final int MAX_DEPTH = 32;

    /**
     * Reads one MessagePack value (a frame is an array) into a JSON tree. Errors name where they are
     * ({@code [0].t}); declared lengths are checked against the bytes left before anything is allocated,
     * so a hostile header cannot make us allocate gigabytes.
     */
    public static JsonNode read(byte[] bytes) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
            if (!in.hasNext()) {
                throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "empty MessagePack frame");
            }
            JsonNode node = readValue(in, bytes.length, 0);
            if (in.hasNext()) {
                throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "trailing bytes after the MessagePack value");
            }
            return node;
        } catch (MessageFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw malformed(e); // whatever the library throws on bad bytes is still bad input, not a crash
        }
    }

    private static MessageFormatException malformed(Exception e) {
        String why = e instanceof MessageInsufficientBufferException ? "truncated (the frame ends inside a value)"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new MessageFormatException(RejectReason.MALFORMED_JSON, null, "not valid MessagePack: " + why, e);
    }

    private static long remaining(MessageUnpacker in, int total) {
        return total - in.getTotalReadBytes();
    }

    private static void need(MessageUnpacker in, int total, long bytes, String what) {
        if (bytes > remaining(in, total)) {
            throw new MessageFormatException(RejectReason.MALFORMED_JSON, null,
                    "not valid MessagePack: " + what + " declares more than the " + remaining(in, total) + " bytes left");
        }
    }

    private static JsonNode readValue(MessageUnpacker in, int total, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MessageFormatException(RejectReason.WRONG_SHAPE, null, "MessagePack nested deeper than " + MAX_DEPTH);
        }
        try {
            return readValueUnchecked(in, total, depth);
        } catch (MessagePackException e) {
            throw malformed(e);
        }
    }

    private static JsonNode readValueUnchecked(MessageUnpacker in, int total, int depth) throws IOException {
        MessageFormat format = in.getNextFormat();
        ValueType type = format.getValueType();
        switch (type) {
            case NIL -> {
                in.unpackNil();
                return NODES.nullNode();
            }
            case BOOLEAN -> {
                return NODES.booleanNode(in.unpackBoolean());
            }
            case INTEGER -> {
                if (format == MessageFormat.UINT64) {
                    BigInteger big = in.unpackBigInteger();
                    return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
                }
                return NODES.numberNode(in.unpackLong());
            }
            case FLOAT -> {
                double d = format == MessageFormat.FLOAT32 ? (double) in.unpackFloat() : in.unpackDouble();
                if (!Double.isFinite(d)) {
                    return NODES.numberNode(d); // a DoubleNode NaN/Infinity: the rules reject it by name
                }
                // float32 prices show as 162.9199981689453 in Alpaca's own SDKs; keep what was sent.
                return NODES.numberNode(decimalOf(d));
            }
            case STRING -> {
                return NODES.textNode(in.unpackString());
            }
            case BINARY -> {
                int len = in.unpackBinaryHeader();
                need(in, total, len, "binary of " + len + " bytes");
                return NODES.binaryNode(in.readPayload(len));
            }
            case ARRAY -> {
                int n = in.unpackArrayHeader();
                need(in, total, n, "array of " + n + " elements"); // every element takes at least 1 byte
                ArrayNode arr = NODES.arrayNode(n);
                for (int i = 0; i < n; i++) {
                    try {
                        arr.add(readValue(in, total, depth + 1));
                    } catch (MessageFormatException e) {
                        throw e.within("[" + i + "]");
                    }
                }
                return arr;
            }
            case MAP -> {
                int n = in.unpackMapHeader();
                need(in, total, 2L * n, "map of " + n + " entries");
                ObjectNode obj = NODES.objectNode();
                for (int i = 0; i < n; i++) {
                    if (in.getNextFormat().getValueType() != ValueType.STRING) {
                        throw new MessageFormatException(RejectReason.WRONG_SHAPE, null,
                                "MessagePack map key " + i + " is " + in.getNextFormat().getValueType() + ", not a string");
                    }
                    String key = in.unpackString();
                    try {
                        obj.set(key, readValue(in, total, depth + 1));
                    } catch (MessageFormatException e) {
                        throw e.within(key);
                    }
                }
                return obj;
            }
            case EXTENSION -> {
                var header = in.unpackExtensionTypeHeader();
                if (header.getType() != -1) {
                    throw new MessageFormatException(RejectReason.WRONG_TYPE, null,
                            "unsupported MessagePack extension type " + header.getType() + " (only -1, timestamp)");
                }
                int len = header.getLength();
                if (len != 4 && len != 8 && len != 12) {
                    throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, null,
                            "MessagePack timestamp of " + len + " bytes (4, 8 or 12 expected)");
                }
                need(in, total, len, "timestamp of " + len + " bytes");
                return NODES.textNode(MarketTime.formatInstant(timestamp(in.readPayload(len))));
            }
            default -> throw new MessageFormatException(RejectReason.WRONG_TYPE, null, "unsupported MessagePack type " + type);
        }
    }

    /**
     * The decimal a float64 stands for: the shortest text that round-trips, trailing zeros dropped
     * ({@code 136.0} is {@code 136}, as the JSON path reads {@code "h":136}).
     */
    static BigDecimal decimalOf(double d) {
        BigDecimal v = BigDecimal.valueOf(d).stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    /** Decodes the timestamp extension payload: 32-bit seconds, 64-bit (30-bit ns + 34-bit s), or 96-bit. */
    static Instant timestamp(byte[] p) {
        long sec;
        long nanos;
        switch (p.length) {
            case 4 -> {
                sec = ((p[0] & 0xFFL) << 24) | ((p[1] & 0xFFL) << 16) | ((p[2] & 0xFFL) << 8) | (p[3] & 0xFFL);
                nanos = 0;
            }
            case 8 -> {
                long v = 0;
                for (byte b : p) {
                    v = (v << 8) | (b & 0xFFL);
                }
                nanos = v >>> 34;
                sec = v & 0x3FFFFFFFFL;
            }
            case 12 -> {
                nanos = ((p[0] & 0xFFL) << 24) | ((p[1] & 0xFFL) << 16) | ((p[2] & 0xFFL) << 8) | (p[3] & 0xFFL);
                sec = 0;
                for (int i = 4; i < 12; i++) {
                    sec = (sec << 8) | (p[i] & 0xFFL);
                }
            }
            default -> throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, null,
                    "MessagePack timestamp of " + p.length + " bytes (4, 8 or 12 expected)");
        }
        // The spec forbids nanoseconds past 999999999; Instant would silently carry them into the seconds.
        if (nanos > 999_999_999L) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, null,
                    "MessagePack timestamp with " + nanos + " nanoseconds (at most 999999999)");
        }
        try {
            return Instant.ofEpochSecond(sec, nanos);
        } catch (DateTimeException e) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, null,
                    "MessagePack timestamp of " + sec + " s is outside the range of an instant");
        }
    }

    /** Writes a JSON tree as MessagePack (client frames: auth, subscribe). Decimals become float64. */
    public static byte[] write(JsonNode node) {
        ArrayBufferOutput out = new ArrayBufferOutput();
        try (MessagePacker packer = MessagePack.newDefaultPacker((MessageBufferOutput) out)) {
            writeValue(packer, node);
            packer.flush();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory MessagePack write failed", e);
        }
        return out.toByteArray();
    }

    static void writeValue(MessagePacker p, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case NULL, MISSING -> p.packNil();
            case BOOLEAN -> p.packBoolean(node.booleanValue());
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    if (node.canConvertToLong()) {
                        p.packLong(node.longValue());
                    } else {
                        p.packBigInteger(node.bigIntegerValue());
                    }
                } else {
                    p.packDouble(node.doubleValue());
                }
            }
            case STRING -> p.packString(node.textValue());
            case BINARY -> {
                byte[] b = node.binaryValue();
                p.packBinaryHeader(b.length);
                p.writePayload(b);
            }
            case ARRAY -> {
                p.packArrayHeader(node.size());
                for (JsonNode e : node) {
                    writeValue(p, e);
                }
            }
            case OBJECT -> {
                p.packMapHeader(node.size());
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    p.packString(e.getKey());
                    writeValue(p, e.getValue());
                }
            }
            default -> throw new IllegalArgumentException("cannot write " + node.getNodeType() + " as MessagePack");
        }
    }
}
