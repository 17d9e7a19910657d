package dev.stockpipe.bars;

import io.micronaut.http.annotation.Produces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Last resort for a bug: logged with its stack trace here, a plain 500 problem for the client. */
@Singleton
@Produces
public class UnexpectedErrorHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {
    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrorHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, RuntimeException e) {
        log.error("unexpected failure serving {} {}", request.getMethod(), request.getPath(), e);
        return new Problem(Problem.INTERNAL, "Internal error", 500, "the server failed; see its log", null,
                request.getPath()).toResponse();
    }
}
