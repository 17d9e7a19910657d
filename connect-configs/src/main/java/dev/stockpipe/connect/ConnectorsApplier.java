package dev.stockpipe.connect;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validate-then-apply of connector files against a Connect worker. Nothing is changed unless every file
 * passes Connect's own validation.
 */
public final class ConnectorsApplier {
    private final ConnectRestClient client;
    private final PrintStream out;

    public ConnectorsApplier(ConnectRestClient client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    /** Validates every file; prints errors field by field. True when all are valid. */
    public boolean validateAll(List<ConnectorConfigFile> files) {
        boolean ok = true;
        for (ConnectorConfigFile f : files) {
            ValidationResult connect = client.validate(f.connectorClass(), f.configWithName());
            List<ValidationResult.FieldError> all = new ArrayList<>(connect.errors());
            all.addAll(SinkConfigRules.check(f.config()));
            ValidationResult r = new ValidationResult(connect.connector(), Math.max(connect.errorCount(), all.size()), all);
            if (r.ok()) {
                out.printf("valid    %s (%s)%n", f.name(), f.source());
            } else {
                ok = false;
                out.printf("INVALID  %s (%s): %d error(s)%n", f.name(), f.source(), Math.max(r.errorCount(), r.errors().size()));
                for (ValidationResult.FieldError e : r.errors()) {
                    for (String m : e.messages()) {
                        out.printf("  %s: %s%n", e.field(), m);
                    }
                }
            }
        }
        return ok;
    }

    /**
     * Validates all files, then creates or updates each (PUT is idempotent) and prints its state.
     * Returns false, having changed nothing, when any file is invalid.
     */
    public boolean apply(List<ConnectorConfigFile> files, Duration waitForRunning) {
        if (!validateAll(files)) {
            out.println("nothing applied: fix the errors above");
            return false;
        }
        for (ConnectorConfigFile f : files) {
            // An identical PUT would still restart the connector: leave an unchanged one alone.
            Optional<JsonNode> existing = client.config(f.name());
            if (existing.isPresent() && sameConfig(existing.get(), f)) {
                // Applying means "running with this config": a task left FAILED (e.g. by a database outage, or a
                // status from before a worker restart) is restarted rather than reported as the file's fault.
                Optional<JsonNode> st = client.status(f.name());
                if (st.isPresent() && anyFailed(st.get())) {
                    client.restartFailed(f.name());
                    out.printf("unchanged %s (restarted its FAILED connector/tasks)%n", f.name());
                } else {
                    out.printf("unchanged %s%n", f.name());
                }
                continue;
            }
            boolean created = client.putConfig(f.name(), f.config());
            out.printf("%s  %s%n", created ? "created" : "updated", f.name());
        }
        boolean allRunning = true;
        for (ConnectorConfigFile f : files) {
            allRunning &= awaitRunning(f.name(), waitForRunning);
        }
        return allRunning;
    }

    /** Prints the connector's and its tasks' state; false when it is missing or anything FAILED. */
    public boolean printStatus(String name) {
        Optional<JsonNode> s = client.status(name);
        if (s.isEmpty()) {
            out.printf("%-20s not found%n", name);
            return false;
        }
        return print(name, s.get());
    }

    private boolean print(String name, JsonNode st) {
        String state = st.path("connector").path("state").asText("?");
        out.printf("%-20s connector %s on %s%n", name, state, st.path("connector").path("worker_id").asText("?"));
        boolean ok = !"FAILED".equals(state);
        for (JsonNode t : st.path("tasks")) {
            String ts = t.path("state").asText("?");
            out.printf("%-20s   task %d %s%n", "", t.path("id").asInt(), ts);
            if (t.hasNonNull("trace")) {
                out.printf("%-20s     %s%n", "", t.get("trace").asText().lines().findFirst().orElse(""));
            }
            ok &= !"FAILED".equals(ts);
        }
        return ok;
    }

    /** How long a FAILED state must last to be the answer (a restart takes a moment to show). */
    static final Duration FAILED_FOR = Duration.ofSeconds(3);

    /** Polls until the connector and all its tasks are RUNNING, one FAILED, or the deadline passes; prints that state. */
    public boolean awaitRunning(String name, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Optional<JsonNode> s = client.status(name);
        int runningSeen = 0;
        Instant failedSince = s.isPresent() && anyFailed(s.get()) ? Instant.now() : null;
        // RUNNING twice, a second apart: just after an update Connect may still show the old RUNNING state.
        // FAILED for FAILED_FOR in a row: just after a restart it may still show the old FAILED one.
        while (Instant.now().isBefore(deadline) && runningSeen < 2
                && (failedSince == null || Instant.now().isBefore(failedSince.plus(FAILED_FOR)))) {
            try {
                Thread.sleep(runningSeen > 0 ? 1000 : 250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s = client.status(name);
            runningSeen = s.isPresent() && isRunning(s.get()) ? runningSeen + 1 : 0;
            if (!(s.isPresent() && anyFailed(s.get()))) {
                failedSince = null;
            } else if (failedSince == null) {
                failedSince = Instant.now();
            }
        }
        if (s.isEmpty()) {
            out.printf("%-20s not found%n", name);
            return false;
        }
        return print(name, s.get()) && isRunning(s.get());
    }

    public boolean delete(String name) {
        boolean existed = client.delete(name);
        out.printf("%-20s %s%n", name, existed ? "deleted" : "not found");
        return existed;
    }

    static boolean sameConfig(JsonNode existing, ConnectorConfigFile f) {
        java.util.Map<String, String> current = new java.util.HashMap<>();
        existing.fields().forEachRemaining(e -> current.put(e.getKey(), e.getValue().asText()));
        return current.equals(f.configWithName());
    }

    static boolean isRunning(JsonNode status) {
        if (!"RUNNING".equals(status.path("connector").path("state").asText())) {
            return false;
        }
        JsonNode tasks = status.path("tasks");
        if (!tasks.isArray() || tasks.isEmpty()) {
            return false;
        }
        for (JsonNode t : tasks) {
            if (!"RUNNING".equals(t.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    static boolean anyFailed(JsonNode status) {
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            return true;
        }
        List<String> states = new ArrayList<>();
        status.path("tasks").forEach(t -> states.add(t.path("state").asText()));
        return states.contains("FAILED");
    }
}
