package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Connect's answer to a validate call, reduced to the fields that have errors. */
public record ValidationResult(String connector, int errorCount, List<FieldError> errors) {
    public record FieldError(String field, List<String> messages) {}

    public ValidationResult {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errorCount == 0 && errors.isEmpty();
    }

    /** Prefixes Connect passes on to converters, clients and transforms: not in the connector's definitions. */
    static final List<String> PASS_THROUGH_PREFIXES = List.of("key.converter.", "value.converter.", "header.converter.",
            "consumer.override.", "producer.override.", "admin.override.", "transforms.", "predicates.");

    /** Settings Debezium's JDBC sink reads but leaves out of the definitions it shows Connect. */
    static final Set<String> READ_BUT_NOT_ADVERTISED = Set.of("use.reduction.buffer");

    /**
     * Connect's errors, plus two checks on the same answer that Connect leaves to task start (where they fail
     * the task): a value outside the setting's recommended values, and a key no definition knows (a typo).
     */
    static ValidationResult parse(JsonNode body, Map<String, String> submitted) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (JsonNode c : body.path("configs")) {
            JsonNode value = c.path("value");
            String name = value.path("name").asText();
            known.add(name);
            List<String> messages = new ArrayList<>();
            value.path("errors").forEach(m -> messages.add(m.asText()));
            List<String> recommended = new ArrayList<>();
            value.path("recommended_values").forEach(v -> recommended.add(v.asText()));
            String given = submitted.get(name);
            if (messages.isEmpty() && given != null && !recommended.isEmpty()
                    && recommended.stream().noneMatch(r -> r.equalsIgnoreCase(given.trim()))) {
                messages.add("value '" + given + "' is not one of " + recommended);
            }
            if (!messages.isEmpty()) {
                errors.add(new FieldError(name, messages));
            }
        }
        if (!known.isEmpty()) {
            for (String key : submitted.keySet()) {
                if (!known.contains(key) && !READ_BUT_NOT_ADVERTISED.contains(key) && PASS_THROUGH_PREFIXES.stream().noneMatch(key::startsWith)) {
                    errors.add(new FieldError(key, List.of("unknown setting for " + body.path("name").asText("this connector")
                            + " (a typo?)")));
                }
            }
        }
        int connectErrors = body.path("error_count").asInt(0);
        return new ValidationResult(body.path("name").asText(), Math.max(connectErrors, errors.size()), errors);
    }

    static ValidationResult single(String connector, String field, String message) {
        return new ValidationResult(connector, 1, List.of(new FieldError(field, List.of(message))));
    }
}
