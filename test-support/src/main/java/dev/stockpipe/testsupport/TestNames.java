package dev.stockpipe.testsupport;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.TestInfo;

/** Names that isolate one test's topics, application.ids, databases and Redis channels from another's. */
public final class TestNames {
    private TestNames() {}

    /** Longest name returned: fits PostgreSQL identifiers (63) and Kafka topic names (249). */
    public static final int MAX_LENGTH = 63;

    /**
     * A lowercase name made of [a-z0-9_] from the test class and method plus a random 6-character
     * suffix, e.g. {@code kafkait_shouldconsume_k3x9qa}: valid as a Kafka topic, application.id,
     * SQL database/table name and Redis channel.
     */
    public static String unique(TestInfo info) {
        String cls = info.getTestClass().map(Class::getSimpleName).orElse("test");
        String method = info.getTestMethod().map(m -> m.getName()).orElse("");
        return unique(method.isEmpty() ? cls : cls + "_" + method);
    }

    /** The same rule for a free-form base name. */
    public static String unique(String base) {
        String clean = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "t_" + clean;
        }
        String suffix = randomSuffix();
        int room = MAX_LENGTH - suffix.length() - 1;
        if (clean.length() > room) {
            clean = clean.substring(0, room);
        }
        return clean + "_" + suffix;
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(6);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
