package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The parts of Kafka Connect's REST API the CLI uses. Bodies are JSON trees over the shared mapper. */
public final class ConnectRestClient {
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public ConnectRestClient(URI base) {
        this(base, Duration.ofSeconds(60));
    }

    public ConnectRestClient(URI base, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI base() {
        return base;
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}: Connect's verdict on a config, changing nothing. */
    public ValidationResult validate(String connectorClass, Map<String, String> config) {
        String simple = connectorClass.contains(".") ? connectorClass.substring(connectorClass.lastIndexOf('.') + 1) : connectorClass;
        try {
            return ValidationResult.parse(send("PUT", "/connector-plugins/" + enc(connectorClass) + "/config/validate", config), config);
        } catch (ConnectRestException e) {
            // A class the worker does not know is an answer too: show it as a field error of connector.class.
            if (e.status() == 404 || e.status() == 400 || e.status() == 500) {
                return ValidationResult.single(simple, "connector.class", e.getMessage());
            }
            throw e;
        }
    }

    /** {@code PUT /connectors/{name}/config}: creates or updates; true when it was created. */
    public boolean putConfig(String name, Map<String, String> config) {
        JsonNode[] holder = new JsonNode[1];
        int status = sendForStatus("PUT", "/connectors/" + enc(name) + "/config", config, holder);
        return status == 201;
    }

    public Optional<JsonNode> config(String name) {
        return getOptional("/connectors/" + enc(name) + "/config");
    }

    public Optional<JsonNode> status(String name) {
        return getOptional("/connectors/" + enc(name) + "/status");
    }

    public JsonNode connectors() {
        return send("GET", "/connectors", null);
    }

    public JsonNode plugins() {
        return send("GET", "/connector-plugins", null);
    }

    /** True when it existed. */
    public boolean delete(String name) {
        try {
            send("DELETE", "/connectors/" + enc(name), null);
            return true;
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    public void stop(String name) {
        send("PUT", "/connectors/" + enc(name) + "/stop", null);
    }

    public void resume(String name) {
        send("PUT", "/connectors/" + enc(name) + "/resume", null);
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true}: restarts what FAILED, nothing else. */
    public void restartFailed(String name) {
        send("POST", "/connectors/" + enc(name) + "/restart?includeTasks=true&onlyFailed=true", null);
    }

    /** {@code GET /connectors/{name}/offsets}: for a sink, its consumer group's committed offsets. */
    public JsonNode offsets(String name) {
        return send("GET", "/connectors/" + enc(name) + "/offsets", null);
    }

    /** {@code PATCH /connectors/{name}/offsets}; the connector must be STOPPED. */
    public JsonNode alterOffsets(String name, JsonNode body) {
        return send("PATCH", "/connectors/" + enc(name) + "/offsets", body);
    }

    /** {@code GET /}: the worker's version; throws when it cannot be reached. */
    public JsonNode root() {
        return send("GET", "/", null);
    }

    private Optional<JsonNode> getOptional(String path) {
        try {
            return Optional.of(send("GET", path, null));
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private JsonNode send(String method, String path, Object body) {
        JsonNode[] holder = new JsonNode[1];
        sendForStatus(method, path, body, holder);
        return holder[0];
    }

    private int sendForStatus(String method, String path, Object body, JsonNode[] out) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode tree = r.body() == null || r.body().isBlank() ? NullNode.getInstance() : parse(r.body());
            if (r.statusCode() >= 400) {
                String msg = tree.hasNonNull("message") ? tree.get("message").asText() : r.body();
                throw new ConnectRestException(r.statusCode(), method + " " + path + " -> " + r.statusCode() + ": " + msg);
            }
            out[0] = tree;
            return r.statusCode();
        } catch (IOException e) {
            throw new ConnectRestException("cannot reach Kafka Connect at " + base + " (" + method + " " + path + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException("interrupted calling " + base + path, e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(body);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
