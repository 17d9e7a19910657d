package dev.stockpipe.streams.corrections;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Everything waiting for one original trade, in arrival order (a correction and a cancel may both wait). */
public record PendingUpdates(@JsonProperty("updates") List<PendingUpdate> updates) {
    public PendingUpdates {
        updates = updates == null ? List.of() : List.copyOf(updates);
    }

    public static PendingUpdates of(PendingUpdate u) {
        return new PendingUpdates(List.of(u));
    }

    public PendingUpdates plus(PendingUpdate u) {
        List<PendingUpdate> l = new ArrayList<>(updates);
        l.add(u);
        return new PendingUpdates(l);
    }

    /** True when the same message (same type and bytes) is already waiting: a duplicate. */
    public boolean containsSame(PendingUpdate u) {
        for (PendingUpdate p : updates) {
            if (p.type().equals(u.type()) && Arrays.equals(p.raw(), u.raw())) {
                return true;
            }
        }
        return false;
    }
}
