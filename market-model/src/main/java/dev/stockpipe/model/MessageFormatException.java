package dev.stockpipe.model;

/**
 * A frame or message that breaks the protocol or a rule. Names the field (JSON key, or a path such
 * as {@code [2].p}) and the reason, so a reject says exactly what was wrong.
 */
public class MessageFormatException extends RuntimeException {
    private final RejectReason reason;
    private final String field;

    public MessageFormatException(RejectReason reason, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.reason = reason;
        this.field = field;
    }

    public MessageFormatException(RejectReason reason, String field, String message, Throwable cause) {
        this(reason, field, message);
        initCause(cause);
    }

    public RejectReason reason() {
        return reason;
    }

    /** The offending field, or null when the problem is the whole frame. */
    public String field() {
        return field;
    }

    /** The same error, located inside a frame: {@code [i].field}. */
    public MessageFormatException at(int index) {
        String where = "[" + index + "]" + (field == null ? "" : "." + field);
        String msg = getMessage();
        String bare = field == null ? msg : msg.substring(field.length() + 2);
        return new MessageFormatException(reason, where, bare, this);
    }
}
