package dev.stockpipe.bars;

/** A query or path parameter the API refuses; becomes a 400 problem+json naming {@link #parameter()}. */
public final class BadParameterException extends RuntimeException {
    private final String parameter;

    public BadParameterException(String parameter, String detail) {
        super(detail, null, false, false); // no stack trace: this is input, not a fault
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
