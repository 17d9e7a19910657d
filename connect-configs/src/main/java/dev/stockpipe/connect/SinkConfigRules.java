package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks of a Debezium JDBC sink config that Connect's validate endpoint cannot make: the sink declares
 * its settings without validators, recommended values or required flags (its validate answer is always
 * "0 errors"), and only checks them when a task starts, where a typo FAILS the task. These rules run
 * beside Connect's answer so a typo never reaches the worker.
 */
public final class SinkConfigRules {
    public static final String JDBC_SINK_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";

    private SinkConfigRules() {}

    private static final Map<String, Set<String>> ENUMS = Map.of(
            "insert.mode", Set.of("insert", "upsert", "update"),
            "primary.key.mode", Set.of("none", "kafka", "record_key", "record_value", "record_header"),
            "schema.evolution", Set.of("none", "basic"),
            "errors.tolerance", Set.of("none", "all"));
    private static final List<String> BOOLEANS = List.of("delete.enabled", "use.reduction.buffer",
            "dialect.postgres.unnest.insert.enabled", "value.converter.schemas.enable", "key.converter.schemas.enable",
            "errors.deadletterqueue.context.headers.enable", "errors.log.enable", "quote.identifiers", "truncate.enabled");
    private static final List<String> POSITIVE_INTS = List.of("batch.size", "tasks.max", "consumer.override.max.poll.records");
    private static final List<String> REQUIRED = List.of("connection.url", "connection.username", "connection.password",
            "collection.name.format");

    /** A whole value of the form {@code ${provider:key}} (or {@code ${provider:path:key}}). */
    static boolean isPlaceholder(String v) {
        return v.trim().matches("\\$\\{[A-Za-z0-9_.\\-]+:[^}]+}");
    }

    /** Problems found, field by field; empty when the config passes (or is not a JDBC sink). */
    public static List<ValidationResult.FieldError> check(Map<String, String> config) {
        List<ValidationResult.FieldError> errors = new ArrayList<>();
        if (!JDBC_SINK_CLASS.equals(config.get("connector.class"))) {
            return errors;
        }
        for (String r : REQUIRED) {
            if (blank(config.get(r))) {
                errors.add(error(r, "missing required setting"));
            }
        }
        if (blank(config.get("topics")) && blank(config.get("topics.regex"))) {
            errors.add(error("topics", "missing: a sink needs 'topics' or 'topics.regex'"));
        }
        ENUMS.forEach((k, allowed) -> {
            String v = config.get(k);
            if (v != null && !allowed.contains(v.trim().toLowerCase(java.util.Locale.ROOT))) {
                errors.add(error(k, "value '" + v + "' is not one of " + new java.util.TreeSet<>(allowed)));
            }
        });
        for (String k : BOOLEANS) {
            String v = config.get(k);
            if (v != null && !v.trim().equalsIgnoreCase("true") && !v.trim().equalsIgnoreCase("false")) {
                errors.add(error(k, "value '" + v + "' is not true or false"));
            }
        }
        for (String k : POSITIVE_INTS) {
            String v = config.get(k);
            // ${env:BATCH_SIZE} is resolved by the worker's config provider, which validates it there.
            if (v != null && !isPlaceholder(v)) {
                try {
                    if (Integer.parseInt(v.trim()) < 1) {
                        errors.add(error(k, "value '" + v + "' must be at least 1"));
                    }
                } catch (NumberFormatException e) {
                    errors.add(error(k, "value '" + v + "' is not an integer"));
                }
            }
        }
        if ("record_value".equals(config.get("primary.key.mode")) && blank(config.get("primary.key.fields"))) {
            errors.add(error("primary.key.fields", "required when primary.key.mode=record_value"));
        }
        if ("upsert".equals(config.get("insert.mode")) && "none".equals(config.getOrDefault("primary.key.mode", "none"))) {
            errors.add(error("primary.key.mode", "upsert needs a primary key mode other than none"));
        }
        String schema = config.get("value.converter.schema.content");
        if (schema != null) {
            try {
                JsonNode s = Json.MAPPER.readTree(schema);
                if (s == null || !"struct".equals(s.path("type").asText())) {
                    errors.add(error("value.converter.schema.content", "must be a Connect struct schema ({\"type\":\"struct\",...})"));
                } else {
                    checkKeyFields(config, s, errors);
                }
            } catch (IOException e) {
                errors.add(error("value.converter.schema.content", "not JSON: " + e.getMessage().lines().findFirst().orElse("")));
            }
        }
        return errors;
    }

    private static void checkKeyFields(Map<String, String> config, JsonNode schema, List<ValidationResult.FieldError> errors) {
        String pk = config.get("primary.key.fields");
        if (blank(pk) || !"record_value".equals(config.get("primary.key.mode"))) {
            return;
        }
        Set<String> fields = new java.util.HashSet<>();
        schema.path("fields").forEach(f -> fields.add(f.path("field").asText()));
        for (String k : pk.split(",")) {
            if (!fields.contains(k.trim())) {
                errors.add(error("primary.key.fields", "'" + k.trim() + "' is not a field of value.converter.schema.content"));
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ValidationResult.FieldError error(String field, String message) {
        return new ValidationResult.FieldError(field, List.of(message));
    }
}
