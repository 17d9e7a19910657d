package dev.stockpipe.bars;

import io.micronaut.http.annotation.Produces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** PostgreSQL down, slow or without the schema: 503 with Retry-After, so the proxy and the page retry. */
@Singleton
@Produces
public class DatabaseUnavailableHandler implements ExceptionHandler<DatabaseUnavailableException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, DatabaseUnavailableException e) {
        return new Problem(Problem.DATABASE_UNAVAILABLE, "Database unavailable", 503, e.getMessage(), null,
                request.getPath()).toResponse().header("Retry-After", "5");
    }
}
