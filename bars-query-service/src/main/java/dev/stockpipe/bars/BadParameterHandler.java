package dev.stockpipe.bars;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bad input is data: counted by parameter, logged, answered with a 400 problem naming the parameter. */
@Singleton
@Produces
public class BadParameterHandler implements ExceptionHandler<BadParameterException, HttpResponse<?>> {
    private static final Logger log = LoggerFactory.getLogger(BadParameterHandler.class);
    private final MeterRegistry meters;

    public BadParameterHandler(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, BadParameterException e) {
        Counter.builder("bars.bad.requests").description("requests refused with 400, by parameter")
                .tag("parameter", e.parameter()).register(meters).increment();
        log.info("400 {} {}: {}: {}", request.getMethod(), request.getPath(), e.parameter(), e.getMessage());
        return new Problem(Problem.BAD_PARAMETER, "Invalid parameter '" + e.parameter() + "'", 400,
                e.getMessage(), e.parameter(), request.getPath()).toResponse();
    }
}
