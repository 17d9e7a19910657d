package dev.stockpipe.relay.socketio;

import java.nio.charset.StandardCharsets;

/** An HTTP answer of the long-polling transport, independent of the server framework. */
public record Reply(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=UTF-8";
    static final String JSON = "application/json";

    static Reply text(String body) {
        return new Reply(200, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply text(byte[] body) {
        return new Reply(200, TEXT, body);
    }

    /** Engine.IO's error answer, e.g. 400 {"code":1,"message":"Session ID unknown"}. */
    static Reply error(int status, int code, String message) {
        return new Reply(status, JSON, ("{\"code\":" + code + ",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    static Reply unknownSid() {
        return error(400, 1, "Session ID unknown");
    }

    static Reply badRequest() {
        return error(400, 3, "Bad request");
    }
}
