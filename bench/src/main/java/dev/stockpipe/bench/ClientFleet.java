package dev.stockpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link WsClientMain} JVM, driven line by line over its stdin/stdout. */
final class ClientFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientFleet.class);

    record Report(long total, long negative, long errors, int closed, int clients, long minPerClient, long maxPerClient,
                  long cpuNanos, JsonNode perSymbol, Histogram histogram) {}

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    /** (ms since the client JVM started, cumulative trades received) once a second. */
    private final List<long[]> ticks = new ArrayList<>();

    ClientFleet(Path logFile, String heap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                WsClientMain.class.getName()).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        process = pb.start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("TICK ")) {
                        String[] p = line.split(" ");
                        synchronized (ticks) {
                            ticks.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
                        }
                    } else if (line.startsWith("CLOSEDBYSERVER")) {
                        LOG.warn("ws client: {}", line);
                    } else {
                        replies.add(line);
                    }
                }
            } catch (IOException e) {
                LOG.debug("client fleet output ended: {}", e.toString());
            }
        }, "client-fleet-reader");
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    private synchronized String call(String command, String expect, long timeoutSeconds) {
        try {
            replies.clear();
            in.write(command + "\n");
            in.flush();
            String r = replies.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (r == null) {
                throw new BenchException("client fleet did not answer '" + command + "' within " + timeoutSeconds + " s");
            }
            if (!r.startsWith(expect)) {
                throw new BenchException("client fleet answered '" + command + "' with: " + r);
            }
            return r;
        } catch (IOException e) {
            throw new BenchException("client fleet is gone: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    void connect(String url, int n, List<String> symbols) {
        connect(url, n, symbols, false);
    }

    /** socketIo: the clients speak Socket.IO over the WebSocket transport (url = .../socket.io/?EIO=4&transport=websocket). */
    void connect(String url, int n, List<String> symbols, boolean socketIo) {
        call("connect " + url + " " + n + " " + String.join(",", symbols) + (socketIo ? " sio" : " ws"), "CONNECTED", 90);
    }

    void reset() {
        call("reset", "RESET", 20);
    }

    long count() {
        return Long.parseLong(call("count", "COUNT ", 20).substring("COUNT ".length()).trim());
    }

    /** Waits until the count has not moved for quietMillis (the pipe is drained), at most maxMillis. */
    long awaitQuiet(long quietMillis, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        long last = count();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            BenchContext.sleep(200);
            long c = count();
            if (c != last) {
                last = c;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quietMillis * 1_000_000L) {
                break;
            }
        }
        return last;
    }

    void disconnect() {
        call("close", "CLOSED", 30);
    }

    Report report() {
        String r = call("report", "REPORT ", 30);
        try {
            JsonNode j = Json.MAPPER.readTree(r.substring("REPORT ".length()));
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(j.get("histogram").asText())), 0);
            return new Report(j.get("total").asLong(), j.get("negative").asLong(), j.get("errors").asLong(),
                    j.get("closed").asInt(), j.get("clients").asInt(), j.get("min_per_client").asLong(),
                    j.get("max_per_client").asLong(), j.get("cpu_ns").asLong(), j.get("per_symbol"), h);
        } catch (Exception e) {
            throw new BenchException("bad report from the client fleet: " + e, e);
        }
    }

    /** Trades per second between two client-JVM times (ms), from the ticks. */
    List<double[]> ratesBetween(long fromMs, long toMs, long originMs) {
        List<double[]> out = new ArrayList<>();
        synchronized (ticks) {
            for (int i = 1; i < ticks.size(); i++) {
                long[] a = ticks.get(i - 1);
                long[] b = ticks.get(i);
                if (b[0] >= fromMs && b[0] <= toMs && b[1] >= a[1]) {
                    out.add(new double[] {(b[0] - originMs) / 1000.0, (b[1] - a[1]) * 1000.0 / Math.max(1, b[0] - a[0])});
                }
            }
        }
        return out;
    }

    long lastTickMs() {
        synchronized (ticks) {
            return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1)[0];
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
