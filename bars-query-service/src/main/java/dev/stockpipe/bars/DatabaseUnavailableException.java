package dev.stockpipe.bars;

/** PostgreSQL cannot answer (down, timed out, schema missing): a 503, never a 500. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
