package dev.stockpipe.bars;

import io.micronaut.context.annotation.ConfigurationProperties;

/** The {@code bars.*} properties (application.yml maps them from BARS_* variables; see {@link BarsConfig}). */
@ConfigurationProperties("bars")
public record QueryLimits(int maxLimit, int maxRangeDays, int queryTimeoutSeconds) {
    public QueryLimits {
        if (maxLimit < 1 || maxRangeDays < 1 || queryTimeoutSeconds < 1) {
            throw new IllegalArgumentException("bars.max-limit, bars.max-range-days and bars.query-timeout-seconds"
                    + " must be at least 1: " + maxLimit + ", " + maxRangeDays + ", " + queryTimeoutSeconds);
        }
    }

    public QueryParams params() {
        return new QueryParams(maxLimit, maxRangeDays);
    }
}
