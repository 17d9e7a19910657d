package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Status of a stored trade: a correction supersedes a trade, a cancel voids it; neither deletes. */
public enum TradeStatus {
    OK("ok"), CORRECTED("corrected"), CANCELED("canceled");

    private final String label;

    TradeStatus(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static TradeStatus fromLabel(String label) {
        for (TradeStatus s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown trade status '" + label + "' (ok, corrected, canceled)");
    }
}
