package dev.stockpipe.connect;

/** A Connect REST call that answered with an error status (or could not be made). */
public final class ConnectRestException extends RuntimeException {
    private final int status;

    public ConnectRestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ConnectRestException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** HTTP status, or -1 when the worker could not be reached. */
    public int status() {
        return status;
    }
}
