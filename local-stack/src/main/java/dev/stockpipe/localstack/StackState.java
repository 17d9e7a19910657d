package dev.stockpipe.localstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code up} started, written to {@code $STOCKPIPE_HOME/state.json} so that {@code status},
 * {@code down} and later services find the chosen ports and PIDs.
 *
 * @param pid the {@code up} process (which also runs the embedded Kafka broker)
 */
public record StackState(long pid, String startedAt, String home, List<Part> parts, List<Service> services) {

    public static final String KAFKA = "Kafka";
    public static final String POSTGRES = "PostgreSQL";
    public static final String REDIS = "Redis";

    public StackState {
        Objects.requireNonNull(parts, "parts");
        parts = List.copyOf(parts);
        // A state file from before services were supervised has none.
        services = services == null ? List.of() : List.copyOf(services);
    }

    public StackState(long pid, String startedAt, String home, List<Part> parts) {
        this(pid, startedAt, home, parts, List.of());
    }

    /**
     * One stockpipe service process.
     *
     * @param state "running", "restarting", "starting", "not ready", "stopped", or "skipped" / "not built" (never started)
     * @param url its base URL (http://host:port), null when skipped
     * @param lastExit how it last exited on its own (crash), null if never
     */
    public record Service(String name, String mainClass, String heap, int port, String url, long pid, String state,
                          int restarts, String lastExit, String log, String note) {
        public boolean started() {
            return pid > 0;
        }

        Service with(long pid, String state, int restarts, String lastExit) {
            return new Service(name, mainClass, heap, port, url, pid, state, restarts, lastExit, log, note);
        }
    }

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * One part of the stack.
     *
     * @param mode "embedded" (started by up) or "external" (configured, not started)
     * @param endpoint what clients use: bootstrap servers, JDBC URL or redis:// URI
     * @param pid the process serving it when up started one, else -1
     */
    public record Part(String name, String mode, String host, int port, String endpoint, String database, String user, long pid) {
        public boolean embedded() {
            return "embedded".equals(mode);
        }
    }

    public Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Optional<StackState> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), StackState.class));
        } catch (IOException e) {
            throw new LocalStackException("state file " + file + " is unreadable (" + e.getMessage()
                    + "): stop any stockpipe processes and delete it");
        }
    }

    /** Written to a temp file and moved, so a reader never sees half a file. */
    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, toJson());
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LocalStackException("cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }

    String toJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment a service needs to reach this stack (no password: that stays in the user's env). */
    public String toEnvFile() {
        StringBuilder sb = new StringBuilder("# written by ./stockpipe up; source it to reach the local stack\n");
        part(KAFKA).ifPresent(p -> sb.append("export KAFKA_BOOTSTRAP_SERVERS=").append(p.endpoint()).append('\n'));
        part(POSTGRES).ifPresent(p -> sb.append("export POSTGRES_HOST=").append(p.host()).append('\n')
                .append("export POSTGRES_PORT=").append(p.port()).append('\n')
                .append("export POSTGRES_DB=").append(p.database()).append('\n')
                .append("export POSTGRES_USER=").append(p.user()).append('\n'));
        part(REDIS).ifPresent(p -> sb.append("export REDIS_HOST=").append(p.host()).append('\n')
                .append("export REDIS_PORT=").append(p.port()).append('\n'));
        for (Service s : services) {
            if (s.url() == null) {
                continue;
            }
            ServiceDef.byName(s.name()).ifPresent(d -> sb.append("export ").append(d.portVariable()).append('=').append(s.port()).append('\n'));
            if (ServiceDef.CONNECT.equals(s.name())) {
                sb.append("export CONNECT_URL=").append(s.url()).append('\n');
            }
            if (ServiceDef.BARS_QUERY.equals(s.name())) {
                sb.append("export BARS_API_URL=").append(s.url()).append('\n');
            }
            if (ServiceDef.ALPACA_SIM.equals(s.name())) {
                sb.append("export ALPACA_DATA_REST_URL=").append(s.url()).append('\n');
            }
        }
        return sb.toString();
    }
}
