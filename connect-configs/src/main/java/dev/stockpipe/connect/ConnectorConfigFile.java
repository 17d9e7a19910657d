package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connector JSON file in the shape {@code POST /connectors} accepts: {@code {"name":..., "config":{...}}}.
 */
public record ConnectorConfigFile(String name, Map<String, String> config, Path source) {
    public static final String TRADES_SINK_FILE = "stock-trades-sink.json";
    public static final String BARS_SINK_FILE = "stock-bars-sink.json";
    /** Directory holding the connector JSON files (default: the connect-configs module directory). */
    public static final String DIR_ENV = "CONNECT_CONFIGS_DIR";

    public ConnectorConfigFile {
        config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    public static ConnectorConfigFile load(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected an object {\"name\":..., \"config\":{...}}");
        }
        JsonNode name = root.get("name");
        JsonNode config = root.get("config");
        List<String> problems = new ArrayList<>();
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            problems.add("\"name\" must be a non-empty string");
        }
        if (config == null || !config.isObject()) {
            problems.add("\"config\" must be an object of string values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (config != null && config.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = config.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    values.put(e.getKey(), e.getValue().asText());
                } else {
                    problems.add("config \"" + e.getKey() + "\" must be a string (Connect configs are strings)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
        return new ConnectorConfigFile(name.asText(), values, file);
    }

    public String connectorClass() {
        return config.getOrDefault("connector.class", "");
    }

    /** The {@code topics} list (comma-separated in Connect). */
    public List<String> topics() {
        String t = config.getOrDefault("topics", "");
        return t.isBlank() ? List.of() : Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The config with {@code name} set, as the validate endpoint wants it. */
    public Map<String, String> configWithName() {
        Map<String, String> m = new LinkedHashMap<>(config);
        m.put("name", name);
        return m;
    }

    /** The module's two sink files in {@code dir}. */
    public static List<Path> defaultFiles(Path dir) {
        return List.of(dir.resolve(TRADES_SINK_FILE), dir.resolve(BARS_SINK_FILE));
    }

    /** {@value #DIR_ENV}, else the module directory found from where this class was loaded, else cwd. */
    public static Path defaultDirectory(Map<String, String> env) {
        String d = env.get(DIR_ENV);
        if (d != null && !d.isBlank()) {
            return Path.of(d);
        }
        try {
            Path here = Path.of(ConnectorConfigFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path module = here.getParent() == null ? null : here.getParent().getParent();
            if (module != null && Files.exists(module.resolve(TRADES_SINK_FILE))) {
                return module;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        Path conventional = Path.of("connect-configs");
        return Files.exists(conventional.resolve(TRADES_SINK_FILE)) ? conventional : Path.of(".");
    }
}
