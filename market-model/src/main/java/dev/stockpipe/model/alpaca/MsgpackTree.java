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
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.msgpack.core.MessageFormat;
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

    /** Reads one MessagePack value (a frame is an array) into a JSON tree. */
    public static JsonNode read(byte[] bytes) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
            if (!in.hasNext()) {
                throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "empty MessagePack frame");
            }
            JsonNode node = readValue(in, 0);
            if (in.hasNext()) {
                throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "trailing bytes after the MessagePack value");
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MessageFormatException mfe) {
                throw mfe;
            }
            throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "not valid MessagePack: " + e.getMessage(), e);
        }
    }

    private static JsonNode readValue(MessageUnpacker in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MessageFormatException(RejectReason.WRONG_SHAPE, null, "MessagePack nested deeper than " + MAX_DEPTH);
        }
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
                return NODES.numberNode(BigDecimal.valueOf(d));
            }
            case STRING -> {
                return NODES.textNode(in.unpackString());
            }
            case BINARY -> {
                int len = in.unpackBinaryHeader();
                return NODES.binaryNode(in.readPayload(len));
            }
            case ARRAY -> {
                int n = in.unpackArrayHeader();
                ArrayNode arr = NODES.arrayNode(n);
                for (int i = 0; i < n; i++) {
                    arr.add(readValue(in, depth + 1));
                }
                return arr;
            }
            case MAP -> {
                int n = in.unpackMapHeader();
                ObjectNode obj = NODES.objectNode();
                for (int i = 0; i < n; i++) {
                    if (in.getNextFormat().getValueType() != ValueType.STRING) {
                        throw new MessageFormatException(RejectReason.WRONG_SHAPE, null, "MessagePack map key is not a string");
                    }
                    String key = in.unpackString();
                    obj.set(key, readValue(in, depth + 1));
                }
                return obj;
            }
            case EXTENSION -> {
                var header = in.unpackExtensionTypeHeader();
                if (header.getType() == -1) {
                    byte[] payload = in.readPayload(header.getLength());
                    return NODES.textNode(MarketTime.formatInstant(timestamp(payload)));
                }
                in.skipValue(0);
                throw new MessageFormatException(RejectReason.WRONG_TYPE, null,
                        "unsupported MessagePack extension type " + header.getType());
            }
            default -> throw new MessageFormatException(RejectReason.WRONG_TYPE, null, "unsupported MessagePack type " + type);
        }
    }

    /** Decodes the timestamp extension payload: 32-bit seconds, 64-bit (30-bit ns + 34-bit s), or 96-bit. */
    static Instant timestamp(byte[] p) {
        switch (p.length) {
            case 4 -> {
                long sec = ((p[0] & 0xFFL) << 24) | ((p[1] & 0xFFL) << 16) | ((p[2] & 0xFFL) << 8) | (p[3] & 0xFFL);
                return Instant.ofEpochSecond(sec);
            }
            case 8 -> {
                long v = 0;
                for (byte b : p) {
                    v = (v << 8) | (b & 0xFFL);
                }
                long nanos = v >>> 34;
                long sec = v & 0x3FFFFFFFFL;
                return Instant.ofEpochSecond(sec, nanos);
            }
            case 12 -> {
                long nanos = ((p[0] & 0xFFL) << 24) | ((p[1] & 0xFFL) << 16) | ((p[2] & 0xFFL) << 8) | (p[3] & 0xFFL);
                long sec = 0;
                for (int i = 4; i < 12; i++) {
                    sec = (sec << 8) | (p[i] & 0xFFL);
                }
                return Instant.ofEpochSecond(sec, nanos);
            }
            default -> throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, "t",
                    "MessagePack timestamp of " + p.length + " bytes (4, 8 or 12 expected)");
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
