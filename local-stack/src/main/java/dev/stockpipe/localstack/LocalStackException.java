package dev.stockpipe.localstack;

/** A local-stack part could not start or be reached; the message says what and what to do. */
public class LocalStackException extends RuntimeException {
    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
