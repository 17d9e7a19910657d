package dev.stockpipe.bench;

/** A benchmark could not run (a module is not built, a service did not come up); the message says what to do. */
final class BenchException extends RuntimeException {
    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
