package dev.stockpipe.model;

/**
 * A frame or message that breaks the protocol or a rule. Names the field (JSON key, or a path such
 * as {@code [2].p}) and the reason, so a reject says exactly what was wrong.
 */
public class MessageFormatException extends RuntimeException {
    private final RejectReason reason;
    private final String field;
    private final String detail;

    public MessageFormatException(RejectReason reason, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.reason = reason;
        this.field = field;
        this.detail = message;
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

    /** What is wrong, without the field prefix of {@link #getMessage()}. */
    public String detail() {
        return detail;
    }

    /** The same error, located inside a frame: {@code [i].field}. */
    public MessageFormatException at(int index) {
        return within("[" + index + "]");
    }

    /**
     * The same error, located under a parent: a map key ({@code p}) or an array index ({@code [2]}),
     * giving {@code p}, {@code [2].p} or {@code [2][0]}.
     */
    public MessageFormatException within(String parent) {
        String where = field == null ? parent
                : field.startsWith("[") ? parent + field : parent + "." + field;
        return new MessageFormatException(reason, where, detail, this);
    }
}
