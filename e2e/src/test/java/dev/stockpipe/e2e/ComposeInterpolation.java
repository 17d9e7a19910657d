package dev.stockpipe.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker Compose's variable interpolation, as far as stockpipe's compose file uses it: {@code ${VAR}},
 * {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}, and
 * {@code $$} for a literal dollar (a variable of the container's shell, not of compose).
 */
final class ComposeInterpolation {
    /** One {@code ${...}} reference: the variable, its operator ("" when none) and the text after it. */
    record Reference(String name, String operator, String argument) {
        boolean required() {
            return operator.endsWith("?");
        }

        boolean hasDefault() {
            return operator.endsWith("-");
        }
    }

    // $$ first, so that "$${X}" is consumed as an escape and never read as a reference.
    private static final Pattern TOKEN = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private ComposeInterpolation() {}

    /** Every variable reference in {@code text}, in order; escaped {@code $$} skipped. */
    static List<Reference> references(String text) {
        List<Reference> refs = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                refs.add(new Reference(m.group(1), m.group(2) == null ? "" : m.group(2),
                        m.group(3) == null ? "" : m.group(3)));
            } else if (m.group(4) != null) {
                refs.add(new Reference(m.group(4), "", ""));
            }
        }
        return refs;
    }

    /**
     * {@code text} with every reference replaced as compose would given {@code env} (the .env file):
     * a set value wins, else the default; a required variable without a value is an error.
     */
    static String resolve(String text, Map<String, String> env) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(0).equals("$$")) {
                replacement = "$";
            } else {
                String name = m.group(1) != null ? m.group(1) : m.group(4);
                String op = m.group(2) == null ? "" : m.group(2);
                String arg = m.group(3) == null ? "" : m.group(3);
                String value = env.get(name);
                boolean unset = value == null;
                boolean empty = unset || value.isEmpty();
                boolean missing = op.startsWith(":") ? empty : unset;
                if (op.endsWith("-") && missing) {
                    replacement = arg;
                } else if (op.endsWith("?") && missing) {
                    throw new IllegalArgumentException("required variable " + name + " is not set: " + arg);
                } else {
                    replacement = unset ? "" : value;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
