package dev.stockpipe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server as a child process on 127.0.0.1: the Redis 6.2 binary bundled in
 * {@code com.github.codemonstur:embedded-redis}, or {@code redis-server} from PATH when the bundled
 * one cannot run here. No persistence: stockpipe uses Redis for Pub/Sub and last-value caches only.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final String host;
    private final int port;
    private final String executable;
    private volatile boolean closed;

    private EmbeddedRedis(RedisServer server, String host, int port, String executable) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.executable = executable;
    }

    /** Starts Redis on 127.0.0.1:port (0 = a free port). Restartable on the same port after close(). */
    public static EmbeddedRedis start(int port) {
        return start(FreePorts.LOOPBACK, port);
    }

    public static EmbeddedRedis start(String bindHost, int port) {
        int redisPort = port == 0 ? FreePorts.pick() : port;
        if (port != 0 && !FreePorts.isFree(bindHost, redisPort)) {
            throw new LocalStackException("Redis port " + redisPort + " on " + bindHost
                    + " is already in use: stop what listens there or set REDIS_PORT to another port");
        }
        String connectHost = "0.0.0.0".equals(bindHost) ? FreePorts.LOOPBACK : bindHost;
        IOException bundledFailure;
        try {
            return startWith(builder(bindHost, redisPort), connectHost, redisPort, "bundled redis-server 6.2");
        } catch (IOException | RuntimeException e) {
            bundledFailure = e instanceof IOException ? (IOException) e : new IOException(e);
            LOG.warn("bundled Redis did not start ({}); trying redis-server from PATH", e.toString());
        }
        try {
            RedisServerBuilder b = builder(bindHost, redisPort)
                    .executableProvider(redis.embedded.core.ExecutableProvider.newExecutableInPath("redis-server"));
            return startWith(b, connectHost, redisPort, "redis-server from PATH");
        } catch (IOException | RuntimeException e) {
            e.addSuppressed(bundledFailure);
            throw new LocalStackException("Redis failed to start on port " + redisPort + " (" + e.getMessage()
                    + "): install redis-server or free the port", e);
        }
    }

    private static RedisServerBuilder builder(String bindHost, int port) {
        return RedisServer.newRedisServer()
                .port(port)
                .bind(bindHost)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("protected-mode no");
    }

    private static EmbeddedRedis startWith(RedisServerBuilder builder, String host, int port, String what) throws IOException {
        RedisServer server = builder.build();
        server.start();
        EmbeddedRedis redis = new EmbeddedRedis(server, host, port, what);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!redis.ping()) {
            if (System.nanoTime() > deadline) {
                redis.close();
                throw new IOException(what + " did not answer PING on port " + port);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                redis.close();
                throw new IOException("interrupted while waiting for Redis", e);
            }
        }
        LOG.info("Redis ready at {} ({})", redis.uri(), what);
        return redis;
    }

    /** True when the server answers PING with PONG. */
    public boolean ping() {
        return ping(host, port, 1000);
    }

    /** Minimal RESP PING, so status checks need no client library. */
    public static boolean ping(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[7];
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** PID of the redis-server child process, or -1 when it cannot be found. */
    public long pid() {
        String portText = Integer.toString(port);
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").contains("redis-server"))
                .filter(p -> Processes.rawCommandLine(p).contains(":" + portText))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1L);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** redis://host:port */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    /** Which binary runs: the bundled one or redis-server from PATH. */
    public String executable() {
        return executable;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
            LOG.info("Redis on port {} stopped", port);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Redis on port {} did not stop cleanly: {}", port, e.toString());
        }
    }
}
