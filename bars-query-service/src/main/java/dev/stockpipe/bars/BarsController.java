package dev.stockpipe.bars;

import dev.stockpipe.model.Timeframe;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The bars API of DESIGN.md. Parameters arrive as raw strings and are checked by {@link QueryParams}, so every
 * refusal is our 400 problem naming the parameter rather than a framework conversion error. JDBC blocks, so
 * requests run on the blocking executor, never on a Netty event loop.
 */
@Controller("/bars")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "bars", description = "OHLCV bars from PostgreSQL, rolled up in SQL")
public class BarsController {
    private final BarRepository repository;
    private final QueryParams params;
    private final Clock clock;

    public BarsController(BarRepository repository, QueryLimits limits, Clock clock) {
        this.repository = repository;
        this.params = limits.params();
        this.clock = clock;
    }

    @Get(uri = "/latest", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "The newest bar of every symbol", description = "One statement for all symbols. "
            + "Symbols without bars of the timeframe are left out.")
    @ApiResponse(responseCode = "200", description = "one bar per symbol, by symbol",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, array = @ArraySchema(schema = @Schema(implementation = BarView.class))))
    @ApiResponse(responseCode = "304", description = "If-None-Match matched the ETag")
    @ApiResponse(responseCode = "400", description = "bad parameter", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "PostgreSQL unavailable", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<byte[]> latestPerSymbol(HttpRequest<?> request,
            @Parameter(description = TIMEFRAME_DOC, schema = @Schema(allowableValues = {"1Min", "5Min", "15Min", "1Hour", "1Day"}, defaultValue = "1Min"))
            @QueryValue @Nullable String timeframe) {
        Timeframe tf = params.timeframe(timeframe);
        return CachedJson.respond(request, repository.latestPerSymbol(tf), CachedJson.NO_CACHE);
    }

    @Get(uri = "/{symbol}", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "The newest bars of a symbol, oldest first", description = "A symbol with no data gives [].")
    @ApiResponse(responseCode = "200", description = "up to limit bars, ascending by timestamp",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, array = @ArraySchema(schema = @Schema(implementation = BarView.class))))
    @ApiResponse(responseCode = "304", description = "If-None-Match matched the ETag")
    @ApiResponse(responseCode = "400", description = "bad parameter", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "PostgreSQL unavailable", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<byte[]> latest(HttpRequest<?> request,
            @Parameter(description = SYMBOL_DOC, example = "AAPL") @PathVariable String symbol,
            @Parameter(description = TIMEFRAME_DOC, schema = @Schema(allowableValues = {"1Min", "5Min", "15Min", "1Hour", "1Day"}, defaultValue = "1Min"))
            @QueryValue @Nullable String timeframe,
            @Parameter(description = LIMIT_DOC, schema = @Schema(type = "integer", defaultValue = "500", minimum = "1", maximum = "10000"))
            @QueryValue @Nullable String limit) {
        String s = params.symbol(symbol);
        Timeframe tf = params.timeframe(timeframe);
        int n = params.limit(limit);
        return CachedJson.respond(request, repository.latest(s, tf, n), CachedJson.NO_CACHE);
    }

    @Get(uri = "/{symbol}/range", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Bars of a symbol whose bucket starts in [start, end), oldest first",
            description = "At most limit bars; to page, ask again with start just after the last timestamp. "
                    + "Roll-up buckets are whole: a 5Min range from 10:03 begins with the 10:05 bucket.")
    @ApiResponse(responseCode = "200", description = "bars ascending by timestamp",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, array = @ArraySchema(schema = @Schema(implementation = BarView.class))))
    @ApiResponse(responseCode = "304", description = "If-None-Match matched the ETag")
    @ApiResponse(responseCode = "400", description = "bad parameter", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "PostgreSQL unavailable", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<byte[]> range(HttpRequest<?> request,
            @Parameter(description = SYMBOL_DOC, example = "AAPL") @PathVariable String symbol,
            @Parameter(description = "inclusive start: RFC 3339 or YYYY-MM-DD (New York midnight)", example = "2026-03-09", required = true)
            @QueryValue @Nullable String start,
            @Parameter(description = "exclusive end: RFC 3339 or YYYY-MM-DD (New York midnight)", example = "2026-03-10T00:00:00-04:00", required = true)
            @QueryValue @Nullable String end,
            @Parameter(description = TIMEFRAME_DOC, schema = @Schema(allowableValues = {"1Min", "5Min", "15Min", "1Hour", "1Day"}, defaultValue = "1Min"))
            @QueryValue @Nullable String timeframe,
            @Parameter(description = LIMIT_DOC, schema = @Schema(type = "integer", defaultValue = "500", minimum = "1", maximum = "10000"))
            @QueryValue @Nullable String limit) {
        String s = params.symbol(symbol);
        Instant from = params.instant(QueryParams.START, start);
        Instant to = params.instant(QueryParams.END, end);
        params.range(from, to);
        Timeframe tf = params.timeframe(timeframe);
        int n = params.limit(limit);
        List<BarView> bars = repository.range(s, tf, from, to, n);
        boolean closed = !to.isAfter(clock.instant().minus(Duration.ofDays(1)));
        return CachedJson.respond(request, bars, closed ? CachedJson.CLOSED_RANGE : CachedJson.NO_CACHE);
    }

    static final String SYMBOL_DOC = "ticker, upper-case letters and digits with an optional class suffix (BRK.B); lower case is upper-cased";
    static final String TIMEFRAME_DOC = "1Min (stored), 5Min, 15Min, 1Hour (rolled up from minute bars, New York-aligned), "
            + "1Day (stored daily bars; a New York date without one gets the roll-up of its minute bars)";
    static final String LIMIT_DOC = "how many bars, 1..10000 (BARS_MAX_LIMIT); more is a 400";
}
