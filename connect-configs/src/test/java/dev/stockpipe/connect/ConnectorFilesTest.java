package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Bar;
import dev.stockpipe.model.BarSource;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.Topics;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.TradeStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The connector JSON files are data: check them against the contract without a worker. */
class ConnectorFilesTest {
    static final Path DIR = Path.of(".");
    final ConnectorConfigFile trades = ConnectorConfigFile.load(DIR.resolve(ConnectorConfigFile.TRADES_SINK_FILE));
    final ConnectorConfigFile bars = ConnectorConfigFile.load(DIR.resolve(ConnectorConfigFile.BARS_SINK_FILE));

    @Test
    void shouldSinkExactlyTheCleanTopicsOfTopics() {
        assertThat(trades.topics()).containsExactly(Topics.TRADES_NAME);
        assertThat(bars.topics()).containsExactly(Topics.BARS_NAME);
        assertThat(trades.config().get("errors.deadletterqueue.topic.name")).isEqualTo(Topics.SINK_DLQ_NAME);
        assertThat(bars.config().get("errors.deadletterqueue.topic.name")).isEqualTo(Topics.SINK_DLQ_NAME);
    }

    @Test
    void shouldUpsertOnTheTablePrimaryKeys() {
        assertThat(trades.config()).containsEntry("insert.mode", "upsert").containsEntry("primary.key.mode", "record_value")
                .containsEntry("primary.key.fields", "symbol,trade_date,exchange,trade_id")
                .containsEntry("collection.name.format", "market_data_oltp.stock_trades_realtime");
        assertThat(bars.config()).containsEntry("insert.mode", "upsert")
                .containsEntry("primary.key.fields", "symbol,timeframe,bar_ts")
                .containsEntry("collection.name.format", "market_data_oltp.stock_bars_staging");
    }

    @Test
    void shouldTakeHostsAndSecretsFromTheWorkerEnvironment() {
        for (ConnectorConfigFile f : List.of(trades, bars)) {
            assertThat(f.config().get("connection.password")).isEqualTo("${env:POSTGRES_PASSWORD}");
            assertThat(f.config().get("connection.username")).isEqualTo("${env:POSTGRES_USER}");
            assertThat(f.config().get("connection.url"))
                    .startsWith("jdbc:postgresql://${env:POSTGRES_HOST}:${env:POSTGRES_PORT}/${env:POSTGRES_DB}");
            assertThat(f.config()).containsEntry("errors.tolerance", "all")
                    .containsEntry("errors.deadletterqueue.context.headers.enable", "true");
        }
    }

    @Test
    void shouldConvertACleanTradeToAStructWithExactDecimalsAndAllFields() {
        Trade t = new Trade("AAPL", 52983525033527L, "K", LocalDate.parse("2023-04-06"), new BigDecimal("162.9200"), 3,
                List.of("@", "F", " "), "C", Instant.parse("2023-04-06T11:54:26.838232225Z"),
                Instant.parse("2023-04-06T11:54:26.840Z"), TradeStatus.OK, null);
        byte[] json = Topics.TRADES.valueSerde().serializer().serialize(Topics.TRADES_NAME, t);
        Struct s = convert(trades, json);
        assertThat(s.get("price")).isEqualTo(new BigDecimal("162.9200"));
        assertThat(s.getInt64("trade_id")).isEqualTo(52983525033527L);
        assertThat(s.getString("trade_date")).isEqualTo("2023-04-06");
        assertThat(s.getString("trade_ts")).isEqualTo("2023-04-06T11:54:26.838232225Z");
        assertThat(s.getArray("conditions")).containsExactly("@", "F", " ");
        assertThat(s.getString("status")).isEqualTo("ok");
        assertThat(s.get("updated_at")).isNull();
        // every field of the record is in the schema, and nothing else
        assertThat(s.schema().fields()).extracting(org.apache.kafka.connect.data.Field::name).containsExactly(
                "symbol", "trade_id", "exchange", "trade_date", "price", "size", "conditions", "tape", "trade_ts",
                "received_at", "status", "updated_at");
    }

    @Test
    void shouldConvertACleanBarWithNullOptionalFields() {
        Bar b = new Bar("SPY", Timeframe.MIN_1, Instant.parse("2021-02-22T19:15:00Z"), new BigDecimal("388.985"),
                new BigDecimal("389.13"), new BigDecimal("388.975"), new BigDecimal("136"), 49378, null, null, BarSource.STREAM);
        Struct s = convert(bars, Topics.BARS.valueSerde().serializer().serialize(Topics.BARS_NAME, b));
        assertThat(s.get("open")).isEqualTo(new BigDecimal("388.985"));
        assertThat(s.get("close")).isEqualTo(new BigDecimal("136"));
        assertThat(s.get("trade_count")).isNull();
        assertThat(s.get("vwap")).isNull();
        assertThat(s.getString("timeframe")).isEqualTo("1Min");
        assertThat(s.getString("bar_ts")).isEqualTo("2021-02-22T19:15:00Z");
        assertThat(s.schema().field("bar_ts").schema().name()).isEqualTo("io.debezium.time.ZonedTimestamp");
    }

    @Test
    void shouldRejectARecordMissingARequiredField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> convert(trades, "{\"symbol\":\"AAPL\"}".getBytes()))
                .isInstanceOf(org.apache.kafka.connect.errors.DataException.class);
    }

    static Struct convert(ConnectorConfigFile file, byte[] json) {
        Map<String, String> cfg = new HashMap<>();
        file.config().forEach((k, v) -> {
            if (k.startsWith("value.converter.")) {
                cfg.put(k.substring("value.converter.".length()), v);
            }
        });
        try (JsonConverter c = new JsonConverter()) {
            c.configure(cfg, false);
            SchemaAndValue sv = c.toConnectData("t", json);
            assertThat(sv.schema().type()).isEqualTo(Schema.Type.STRUCT);
            return (Struct) sv.value();
        }
    }
}
