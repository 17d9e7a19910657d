package dev.stockpipe.bars;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bars-query-service: reads the environment once ({@link BarsConfig}), then starts Micronaut on it. Micronaut's
 * shutdown hook closes the context on SIGTERM: the HTTP server stops first, then the connection pool.
 */
@OpenAPIDefinition(info = @Info(title = "stockpipe bars API", version = "1.0",
        description = "OHLCV bars from market_data_oltp.stock_bars_staging: minute and daily bars as stored, "
                + "5Min/15Min/1Hour roll-ups aligned in America/New_York. Errors are application/problem+json."))
public final class Application {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private Application() {}

    public static void main(String[] args) {
        BarsConfig config;
        try {
            config = BarsConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("starting bars-query-service with {}", config);
        Micronaut.build(args).mainClass(Application.class).properties(config.toProperties()).start();
    }
}
