package dev.stockpipe.bars;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;

/** 200 when PostgreSQL answers and the bars table exists, else 503 saying which. */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "operations")
public class HealthController {
    private final BarRepository repository;

    public HealthController(BarRepository repository) {
        this.repository = repository;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "PostgreSQL reachable and market_data_oltp.stock_bars_staging present")
    @ApiResponse(responseCode = "200", description = "{\"status\":\"UP\",...}")
    @ApiResponse(responseCode = "503", description = "{\"status\":\"DOWN\",\"postgres\":\"...\"}")
    public HttpResponse<Map<String, Object>> health() {
        BarRepository.Health h = repository.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", h.up() ? "UP" : "DOWN");
        body.put("postgres", h.detail());
        return HttpResponse.status(h.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }
}
