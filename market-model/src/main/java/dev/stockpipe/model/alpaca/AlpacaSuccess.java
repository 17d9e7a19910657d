package dev.stockpipe.model.alpaca;

import java.util.Objects;

/** {@code T:"success"}: {@code msg} is "connected" or "authenticated". */
public record AlpacaSuccess(String msg) implements AlpacaMessage {
    public static final String T = "success";
    public static final AlpacaSuccess CONNECTED = new AlpacaSuccess("connected");
    public static final AlpacaSuccess AUTHENTICATED = new AlpacaSuccess("authenticated");

    public AlpacaSuccess {
        Objects.requireNonNull(msg, "msg");
    }

    @Override
    public String type() {
        return T;
    }
}
