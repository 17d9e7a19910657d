package dev.stockpipe.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads typed settings from an environment map and collects every problem, so a config record can
 * report all of them at once instead of failing on the first.
 */
final class EnvSettings {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvSettings(Map<String, String> env) {
        this.env = env;
    }

    String string(String name, String defaultValue) {
        String v = env.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    int integer(String name, int defaultValue, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                problems.add(name + "=" + raw + " must be between " + min + " and " + max);
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + raw + " is not an integer");
            return defaultValue;
        }
    }

    void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    /** Throws one exception naming every problem found so far. */
    void throwIfProblems(String what) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + what + " configuration: " + String.join("; ", problems));
        }
    }
}
