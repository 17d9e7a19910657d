package dev.stockpipe.ingest.alpaca;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import org.junit.jupiter.api.Test;

class HistoricalClientTest {
    @Test
    void shouldTurnARestTradeIntoTheStreamShapeWithTypeAndSymbolFirst() throws Exception {
        var rest = Json.MAPPER.readTree("{\"t\":\"2023-04-06T11:54:26.838232225Z\",\"x\":\"V\",\"p\":162.92,\"s\":3,"
                + "\"c\":[\"@\"],\"i\":628,\"z\":\"C\",\"u\":\"canceled\"}");

        ObjectNode out = HistoricalClient.streamShape("t", "AAPL", rest);

        assertThat(out.fieldNames()).toIterable().startsWith("T", "S").contains("u");
        AlpacaTrade t = (AlpacaTrade) AlpacaParser.system().parse(out);
        assertThat(t.symbol()).isEqualTo("AAPL");
        assertThat(t.id()).isEqualTo(628);
        assertThat(t.price()).isEqualByComparingTo("162.92");
    }
}
