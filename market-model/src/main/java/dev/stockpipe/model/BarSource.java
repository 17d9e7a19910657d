package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a clean bar came from: a live {@code b}/{@code d}, a {@code u} that replaced it, or the REST backfill. */
public enum BarSource {
    STREAM("stream"), UPDATED("updated"), BACKFILL("backfill");

    private final String label;

    BarSource(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static BarSource fromLabel(String label) {
        for (BarSource s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown bar source '" + label + "' (stream, updated, backfill)");
    }
}
