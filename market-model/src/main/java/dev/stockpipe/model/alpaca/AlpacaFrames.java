package dev.stockpipe.model.alpaca;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.ArrayBufferOutput;

/**
 * Writes Alpaca server frames in both encodings, exactly as the service does: an array of maps,
 * {@code T} first in every map (Alpaca's Go decoder requires it), keys in the docs' order, prices as
 * JSON numbers or msgpack float64, {@code t} as RFC 3339 text or the msgpack timestamp extension.
 */
public final class AlpacaFrames {
    private AlpacaFrames() {}

    /** One JSON text frame. */
    public static String toJson(List<? extends AlpacaMessage> messages) {
        return new String(toJsonBytes(messages), StandardCharsets.UTF_8);
    }

    public static byte[] toJsonBytes(List<? extends AlpacaMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 * Math.max(1, messages.size()));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            for (AlpacaMessage m : messages) {
                writeJson(g, fields(m));
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One message object as JSON (a raw topic value). */
    public static byte[] toJsonObject(AlpacaMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            writeJson(g, fields(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One MessagePack binary frame. */
    public static byte[] toMsgpack(List<? extends AlpacaMessage> messages) {
        ArrayBufferOutput out = new ArrayBufferOutput(128 * Math.max(1, messages.size()));
        try (MessagePacker p = MessagePack.newDefaultPacker(out)) {
            p.packArrayHeader(messages.size());
            for (AlpacaMessage m : messages) {
                writeMsgpack(p, fields(m));
            }
            p.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A key and its value: String, Long, Integer, BigDecimal, Instant, List of String, or a Map of channel lists. */
    record Field(String key, Object value) {}

    /** The fields of a message in wire order; null optional values are left out. */
    static List<Field> fields(AlpacaMessage message) {
        List<Field> f = new ArrayList<>(12);
        f.add(new Field("T", message.type()));
        if (message instanceof AlpacaTrade t) {
            add(f, "S", t.symbol()); add(f, "i", t.id()); add(f, "x", t.exchange()); add(f, "p", t.price());
            add(f, "s", t.size()); add(f, "c", t.conditions()); add(f, "z", t.tape()); add(f, "t", t.timestamp());
        } else if (message instanceof AlpacaQuote q) {
            add(f, "S", q.symbol()); add(f, "bx", q.bidExchange()); add(f, "bp", q.bidPrice()); add(f, "bs", q.bidSize());
            add(f, "ax", q.askExchange()); add(f, "ap", q.askPrice()); add(f, "as", q.askSize());
            add(f, "c", q.conditions()); add(f, "z", q.tape()); add(f, "t", q.timestamp());
        } else if (message instanceof AlpacaBar b) {
            add(f, "S", b.symbol()); add(f, "o", b.open()); add(f, "h", b.high()); add(f, "l", b.low()); add(f, "c", b.close());
            add(f, "v", b.volume()); add(f, "t", b.timestamp()); add(f, "n", b.tradeCount()); add(f, "vw", b.vwap());
        } else if (message instanceof AlpacaCorrection c) {
            add(f, "S", c.symbol()); add(f, "x", c.exchange());
            add(f, "oi", c.originalId()); add(f, "op", c.originalPrice()); add(f, "os", c.originalSize()); add(f, "oc", c.originalConditions());
            add(f, "ci", c.correctedId()); add(f, "cp", c.correctedPrice()); add(f, "cs", c.correctedSize()); add(f, "cc", c.correctedConditions());
            add(f, "z", c.tape()); add(f, "t", c.timestamp());
        } else if (message instanceof AlpacaCancel x) {
            add(f, "S", x.symbol()); add(f, "i", x.id()); add(f, "x", x.exchange()); add(f, "p", x.price()); add(f, "s", x.size());
            add(f, "a", x.action()); add(f, "z", x.tape()); add(f, "t", x.timestamp());
        } else if (message instanceof AlpacaStatus s) {
            add(f, "S", s.symbol()); add(f, "sc", s.statusCode()); add(f, "sm", s.statusMessage());
            add(f, "rc", s.reasonCode()); add(f, "rm", s.reasonMessage()); add(f, "t", s.timestamp()); add(f, "z", s.tape());
        } else if (message instanceof AlpacaLuld l) {
            add(f, "S", l.symbol()); add(f, "u", l.limitUp()); add(f, "d", l.limitDown()); add(f, "i", l.indicator());
            add(f, "t", l.timestamp()); add(f, "z", l.tape());
        } else if (message instanceof AlpacaImbalance i) {
            add(f, "S", i.symbol()); add(f, "p", i.price()); add(f, "z", i.tape()); add(f, "t", i.timestamp());
        } else if (message instanceof AlpacaSuccess s) {
            add(f, "msg", s.msg());
        } else if (message instanceof AlpacaError e) {
            add(f, "code", e.code()); add(f, "msg", e.msg());
        } else if (message instanceof AlpacaSubscription s) {
            s.channels().forEach((k, v) -> add(f, k, v));
        }
        return f;
    }

    private static void add(List<Field> f, String key, Object value) {
        if (value != null) {
            f.add(new Field(key, value));
        }
    }

    private static void writeJson(JsonGenerator g, List<Field> fields) throws IOException {
        g.writeStartObject();
        for (Field field : fields) {
            g.writeFieldName(field.key());
            Object v = field.value();
            if (v instanceof String s) {
                g.writeString(s);
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Integer i) {
                g.writeNumber(i);
            } else if (v instanceof BigDecimal d) {
                g.writeNumber(d.toPlainString());
            } else if (v instanceof Instant t) {
                g.writeString(MarketTime.formatInstant(t));
            } else if (v instanceof List<?> list) {
                g.writeStartArray();
                for (Object o : list) {
                    g.writeString(String.valueOf(o));
                }
                g.writeEndArray();
            } else {
                throw new IllegalArgumentException("unsupported field type " + v.getClass());
            }
        }
        g.writeEndObject();
    }

    private static void writeMsgpack(MessagePacker p, List<Field> fields) throws IOException {
        p.packMapHeader(fields.size());
        for (Field field : fields) {
            p.packString(field.key());
            Object v = field.value();
            if (v instanceof String s) {
                p.packString(s);
            } else if (v instanceof Long l) {
                p.packLong(l);
            } else if (v instanceof Integer i) {
                p.packInt(i);
            } else if (v instanceof BigDecimal d) {
                // Alpaca sends prices as float64 in msgpack; readers recover the decimal with BigDecimal.valueOf.
                p.packDouble(d.doubleValue());
            } else if (v instanceof Instant t) {
                p.packTimestamp(t);
            } else if (v instanceof List<?> list) {
                p.packArrayHeader(list.size());
                for (Object o : list) {
                    p.packString(String.valueOf(o));
                }
            } else {
                throw new IllegalArgumentException("unsupported field type " + v.getClass());
            }
        }
    }
}
