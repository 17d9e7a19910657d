package dev.stockpipe.relay.core;

/** WebSocket close codes the relay uses (RFC 6455 §7.4.1). */
public final class CloseCodes {
    private CloseCodes() {}

    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int POLICY_VIOLATION = 1008;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int TRY_AGAIN_LATER = 1013;
}
