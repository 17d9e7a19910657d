package dev.stockpipe.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaCancel;
import dev.stockpipe.model.alpaca.AlpacaCorrection;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.sim.SimTrade;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Shared pieces of the bridge ITs: config for a test, a raw-topic reader, a Redis subscriber, identities. */
final class ItSupport {
    private ItSupport() {}

    /** Env for a bridge against {@code sim}, isolated by {@code name}; short heartbeat and backoff for tests. */
    static Map<String, String> env(String name, AlpacaSimulator sim, String kafka, String redisHost, int redisPort, List<String> symbols) {
        Map<String, String> env = new HashMap<>();
        env.put(IngestConfig.ALPACA_DATA_WS_URL, sim.streamUri("iex"));
        env.put(IngestConfig.ALPACA_DATA_REST_URL, sim.restUri());
        env.put(IngestConfig.SUBSCRIBED_SYMBOLS, String.join(",", symbols));
        env.put(IngestConfig.KAFKA_BOOTSTRAP_SERVERS, kafka);
        env.put(IngestConfig.INGEST_TOPIC_TRADES_RAW, name + ".trades.raw");
        env.put(IngestConfig.INGEST_TOPIC_BARS_RAW, name + ".bars.raw");
        env.put(IngestConfig.REDIS_HOST, redisHost);
        env.put(IngestConfig.REDIS_PORT, Integer.toString(redisPort));
        env.put(IngestConfig.REDIS_CHANNEL_TRADES, name + ":pubsub");
        env.put(IngestConfig.INGEST_HTTP_PORT, "0");
        env.put(IngestConfig.INGEST_PING_INTERVAL, "300ms");
        env.put(IngestConfig.INGEST_PONG_TIMEOUT, "2s");
        // The tests pause the market, so a quiet feed is normal here.
        env.put(IngestConfig.INGEST_SILENCE_TIMEOUT, "0");
        env.put(IngestConfig.INGEST_HANDSHAKE_TIMEOUT, "5s");
        env.put(IngestConfig.INGEST_RECONNECT_BASE, "100ms");
        env.put(IngestConfig.INGEST_RECONNECT_MAX, "1s");
        env.put(IngestConfig.INGEST_LIMIT_WAIT, "500ms");
        env.put(IngestConfig.INGEST_BACKFILL_BARS_RECHECK, "6s");
        // The fault tests run the market 20x faster: a trade reported 10 s late (model time) can trail the last
        // trade seen by more than 10 s once the simulator's step granularity is added.
        env.put(IngestConfig.INGEST_BACKFILL_OVERLAP, "30s");
        return env;
    }

    /** Reads a topic from the beginning, accumulating; {@link #poll()} adds what arrived since. */
    static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

        TopicReader(String bootstrap, String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        synchronized List<ConsumerRecord<String, byte[]>> poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                records.add(r);
            }
            return new ArrayList<>(records);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Collects every message published on a channel. */
    static final class Subscriber implements AutoCloseable {
        final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
        private final RedisClient client;
        private final StatefulRedisPubSubConnection<String, String> conn;

        Subscriber(String host, int port, String channel) {
            client = RedisClient.create("redis://" + host + ":" + port);
            conn = client.connectPubSub();
            conn.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    messages.add(message);
                }
            });
            conn.sync().subscribe(channel);
        }

        /** Identities (S|x|i) of the live trade events received. */
        Set<String> tradeIds() {
            Set<String> out = new HashSet<>();
            for (String m : messages) {
                JsonNode n = json(m.getBytes(StandardCharsets.UTF_8));
                if ("trade".equals(n.path("type").asText())) {
                    out.add(n.get("symbol").asText() + "|" + n.get("exchange").asText() + "|" + n.get("trade_id").asLong());
                }
            }
            return out;
        }

        @Override
        public void close() {
            conn.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static JsonNode json(byte[] b) {
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The identity of a raw trade-topic message: T, S, x and its ID(s). */
    static String rawId(JsonNode n) {
        String t = n.path("T").asText();
        String base = t + "|" + n.path("S").asText() + "|" + n.path("x").asText() + "|";
        return switch (t) {
            case "c" -> base + n.path("oi").asLong() + ">" + n.path("ci").asLong();
            default -> base + n.path("i").asLong();
        };
    }

    /** The same identity for an emitted message (null for types without a raw topic). */
    static String emittedId(AlpacaMessage m) {
        if (m instanceof AlpacaTrade t) {
            return "t|" + t.symbol() + "|" + t.exchange() + "|" + t.id();
        }
        if (m instanceof AlpacaCorrection c) {
            return "c|" + c.symbol() + "|" + c.exchange() + "|" + c.originalId() + ">" + c.correctedId();
        }
        if (m instanceof AlpacaCancel x) {
            return "x|" + x.symbol() + "|" + x.exchange() + "|" + x.id();
        }
        return null;
    }

    /** A trade's identity S|x|i. */
    static String tradeId(AlpacaTrade t) {
        return t.symbol() + "|" + t.exchange() + "|" + t.id();
    }

    /** Trade identities present in the raw trades topic: 't' records and the corrected trades that 'c' records carry. */
    static Set<String> rawTradeIds(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode n = json(r.value());
            String t = n.path("T").asText();
            if (t.equals("t")) {
                out.add(n.path("S").asText() + "|" + n.path("x").asText() + "|" + n.path("i").asLong());
            } else if (t.equals("c")) {
                out.add(n.path("S").asText() + "|" + n.path("x").asText() + "|" + n.path("ci").asLong());
            }
        }
        return out;
    }

    /** Minute-bar identities S|t present in the raw bars topic (b or u). */
    static Set<String> rawBarIds(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode n = json(r.value());
            String t = n.path("T").asText();
            if (t.equals("b") || t.equals("u")) {
                out.add(n.path("S").asText() + "|" + MarketTime.parseInstant(n.path("t").asText()));
            }
        }
        return out;
    }

    /** What the ground truth holds for [from, to) that the raw topics lack: "trade S|x|i" and "bar S|t" lines. */
    static List<String> missing(AlpacaSimulator sim, Instant from, Instant to,
                                List<ConsumerRecord<String, byte[]>> trades, List<ConsumerRecord<String, byte[]>> bars) {
        Set<String> haveTrades = rawTradeIds(trades);
        Set<String> haveBars = rawBarIds(bars);
        List<String> out = new ArrayList<>();
        for (SimTrade t : sim.groundTruth().trades(from, to)) {
            if (!haveTrades.contains(tradeId(t.trade()))) {
                out.add("trade " + tradeId(t.trade()) + " at " + t.trade().timestamp());
            }
        }
        for (AlpacaBar b : sim.groundTruth().bars(from, to)) {
            if (!haveBars.contains(b.symbol() + "|" + b.timestamp())) {
                out.add("bar " + b.symbol() + "|" + b.timestamp());
            }
        }
        return out;
    }

    static String summary(List<String> missing) {
        return missing.size() + " missing" + (missing.isEmpty() ? "" : ": " + missing.stream().limit(10).collect(Collectors.joining(", ")));
    }
}
