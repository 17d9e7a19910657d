package dev.stockpipe.ingest.alpaca;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.MsgpackTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a stream frame into its message objects and routes each by its T, without judging them (pure: no
 * I/O, no clock). JSON objects keep their exact received bytes — one streaming pass records each object's
 * byte range — so the raw topics hold the feed's own text. MessagePack objects are re-encoded as JSON.
 * Unlike Alpaca's SDKs, one bad element does not lose the rest of the frame.
 */
public final class FrameParser {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private final int maxFrameBytes;

    public FrameParser(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    public FrameParser() {
        this(AlpacaParser.DEFAULT_MAX_FRAME_BYTES);
    }

    public ParsedFrame parse(byte[] frame, Encoding encoding) {
        if (frame.length > maxFrameBytes) {
            return new ParsedFrame(List.of(), RejectReason.OVERSIZE,
                    "frame of " + frame.length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        return encoding == Encoding.MSGPACK ? parseMsgpack(frame) : parseJson(frame);
    }

    ParsedFrame parseJson(byte[] frame) {
        List<RawMessage> out = new ArrayList<>();
        RejectReason problem = null;
        String detail = null;
        try (JsonParser p = FACTORY.createParser(frame)) {
            JsonToken tok = p.nextToken();
            if (tok == null) {
                return new ParsedFrame(out, RejectReason.MALFORMED_JSON, "empty frame");
            }
            if (tok != JsonToken.START_ARRAY) {
                return new ParsedFrame(out, RejectReason.WRONG_SHAPE, "a frame must be an array of objects, got " + tok.asString());
            }
            int index = 0;
            while ((tok = p.nextToken()) != JsonToken.END_ARRAY) {
                if (tok == null) {
                    return new ParsedFrame(out, RejectReason.MALFORMED_JSON, "frame ends inside the array");
                }
                if (tok != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    if (problem == null) {
                        problem = RejectReason.WRONG_SHAPE;
                        detail = "[" + index + "]: a message must be an object, got " + tok;
                    }
                    index++;
                    continue;
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                JsonNode node = Json.MAPPER.readTree(p);
                int end = (int) p.currentLocation().getByteOffset();
                out.add(message(node, Arrays.copyOfRange(frame, start, end)));
                index++;
            }
            if (p.nextToken() != null && problem == null) {
                problem = RejectReason.MALFORMED_JSON;
                detail = "trailing content after the frame's array";
            }
        } catch (JsonProcessingException e) {
            return new ParsedFrame(out, RejectReason.MALFORMED_JSON, "not valid JSON: " + clip(e.getOriginalMessage()));
        } catch (IOException e) {
            return new ParsedFrame(out, RejectReason.MALFORMED_JSON, "not valid JSON: " + clip(e.getMessage()));
        }
        return new ParsedFrame(out, problem, detail);
    }

    ParsedFrame parseMsgpack(byte[] frame) {
        List<RawMessage> out = new ArrayList<>();
        JsonNode tree;
        try {
            tree = MsgpackTree.read(frame);
        } catch (MessageFormatException e) {
            return new ParsedFrame(out, e.reason(), clip(e.getMessage()));
        }
        if (!tree.isArray()) {
            return new ParsedFrame(out, RejectReason.WRONG_SHAPE,
                    "a frame must be an array of objects, got " + tree.getNodeType().name().toLowerCase());
        }
        RejectReason problem = null;
        String detail = null;
        for (int i = 0; i < tree.size(); i++) {
            JsonNode e = tree.get(i);
            if (!e.isObject()) {
                if (problem == null) {
                    problem = RejectReason.WRONG_SHAPE;
                    detail = "[" + i + "]: a message must be an object, got " + e.getNodeType().name().toLowerCase();
                }
                continue;
            }
            try {
                out.add(message(e, Json.MAPPER.writeValueAsBytes(e)));
            } catch (JsonProcessingException ex) {
                // Binary values cannot be JSON text; Jackson writes them as base64, so this is not expected.
                if (problem == null) {
                    problem = RejectReason.WRONG_TYPE;
                    detail = "[" + i + "]: cannot be written as JSON: " + clip(ex.getOriginalMessage());
                }
            }
        }
        return new ParsedFrame(out, problem, detail);
    }

    private static RawMessage message(JsonNode node, byte[] json) {
        JsonNode t = node.get("T");
        String type = t != null && t.isTextual() ? t.textValue() : null;
        JsonNode s = node.get("S");
        String symbol = s != null && s.isTextual() ? s.textValue() : null;
        return new RawMessage(Route.of(type), type, symbol, json, node);
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
