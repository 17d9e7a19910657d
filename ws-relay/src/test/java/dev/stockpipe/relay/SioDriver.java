package dev.stockpipe.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real {@code socket.io-client} (npm, in Node) driven through {@code frontend/socketio-test/sio-driver.mjs}:
 * commands go to its stdin as JSON lines, every event its sockets see comes back as a JSON line and is kept here.
 * Node's stderr goes to a log file under target/.
 */
final class SioDriver implements AutoCloseable {
    private final Process node;
    private final OutputStream stdin;
    private final List<JsonNode> events = new ArrayList<>();
    private final Thread reader;

    SioDriver(String name) throws IOException {
        Path frontend = Path.of("frontend").toAbsolutePath();
        if (!Files.isDirectory(frontend.resolve("node_modules/socket.io-client"))) {
            throw new IllegalStateException("socket.io-client missing: run the Maven build (npm ci in frontend/)");
        }
        Path log = Path.of("target", "sio-driver-" + name + ".log").toAbsolutePath();
        node = new ProcessBuilder("node", "--max-old-space-size=256", "socketio-test/sio-driver.mjs")
                .directory(frontend.toFile()).redirectError(log.toFile()).start();
        stdin = node.getOutputStream();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode n;
                    try {
                        n = Json.MAPPER.readTree(line);
                    } catch (IOException e) {
                        n = Json.MAPPER.createObjectNode().put("ev", "unparsed").put("line", line);
                    }
                    synchronized (events) {
                        events.add(n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "sio-driver-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    ObjectNode cmd(String cmd, String id) {
        return Json.MAPPER.createObjectNode().put("cmd", cmd).put("id", id);
    }

    void send(ObjectNode command) {
        try {
            stdin.write((command.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("node driver gone: " + log(), e);
        }
    }

    /** Opens a socket; {@code transports} null = the client's default (polling, then upgrade). */
    void open(String id, String url, List<String> transports, List<String> subscribeOnConnect) {
        ObjectNode c = cmd("open", id).put("url", url);
        if (transports != null) {
            transports.forEach(c.putArray("transports")::add);
        }
        if (subscribeOnConnect != null) {
            subscribeOnConnect.forEach(c.putArray("subscribe")::add);
        }
        send(c);
    }

    void emit(String id, String event, JsonNode arg, String ackTag) {
        ObjectNode c = cmd("emit", id).put("event", event);
        if (arg != null) {
            c.putArray("args").add(arg);
        }
        if (ackTag != null) {
            c.put("ack", true).put("tag", ackTag);
        }
        send(c);
    }

    List<JsonNode> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    List<JsonNode> events(String id, String ev) {
        return select(e -> id.equals(e.path("id").asText()) && ev.equals(e.path("ev").asText()));
    }

    List<JsonNode> select(Predicate<JsonNode> p) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : events()) {
            if (p.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    boolean alive() {
        return node.isAlive();
    }

    String log() {
        return "node exit=" + (node.isAlive() ? "running" : node.exitValue());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            send(Json.MAPPER.createObjectNode().put("cmd", "exit"));
            stdin.close();
        } catch (RuntimeException | IOException e) {
            // already gone
        }
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
    }
}
