package dev.stockpipe.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's design as a baseline for flow A, on purpose naive: one plain lettuce Pub/Sub subscriber whose
 * callback writes each message to every subscribed client with a blocking socket write, one after the other,
 * on lettuce's event-loop thread (exactly what lettuce's docs say not to do). A thread per connection reads
 * the subscribe messages. Same wire protocol subset as ws-relay's /ws (subscribe; live events forwarded as
 * they came), so the same client fleet measures both. Plain HTTP GET answers 200 (readiness).
 *
 * <p>Env: BIND_HOST (127.0.0.1), BASELINE_PORT (required), REDIS_HOST (127.0.0.1), REDIS_PORT (6379),
 * REDIS_CHANNEL_TRADES (stock:trades:pubsub).
 */
public final class BaselineRelayMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BaselineRelayMain.class);
    private static final Pattern SYMBOLS = Pattern.compile("\"symbols\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern SYMBOL = Pattern.compile("^\\{\"type\":\"[a-z]+\",\"symbol\":\"([^\"]+)\"");

    record Client(Socket socket, OutputStream out, Set<String> symbols) {}

    private final CopyOnWriteArrayList<Client> clients = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        var env = System.getenv();
        String bind = env.getOrDefault("BIND_HOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("BASELINE_PORT", "0"));
        String redisHost = env.getOrDefault("REDIS_HOST", "127.0.0.1");
        int redisPort = Integer.parseInt(env.getOrDefault("REDIS_PORT", "6379"));
        String channel = env.getOrDefault("REDIS_CHANNEL_TRADES", "stock:trades:pubsub");
        BaselineRelayMain relay = new BaselineRelayMain();
        relay.start(bind, port, redisHost, redisPort, channel);
        relay.acceptLoop();
    }

    private ServerSocket server;
    private RedisClient redis;
    private StatefulRedisPubSubConnection<String, String> sub;

    /** Subscribes and binds; returns the bound port. {@link #acceptLoop} then serves until the socket closes. */
    int start(String bind, int port, String redisHost, int redisPort, String channel) throws Exception {
        redis = RedisClient.create(RedisURI.create(redisHost, redisPort));
        sub = redis.connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                fanOut(message);
            }
        });
        sub.sync().subscribe(channel);
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 512);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "baseline-shutdown"));
        LOG.info("baseline relay listening on {}:{}, subscribed to {}", bind, server.getLocalPort(), channel);
        return server.getLocalPort();
    }

    void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                break;
            }
            Thread t = new Thread(() -> serve(s), "baseline-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (sub != null) {
            sub.close();
            sub = null;
        }
        if (redis != null) {
            redis.shutdown();
            redis = null;
        }
    }

    /** Naive fan-out: a blocking write per client on the subscriber's thread. */
    private void fanOut(String message) {
        Matcher m = SYMBOL.matcher(message);
        if (!m.find()) {
            return;
        }
        String symbol = m.group(1);
        byte[] frame = frame(message.getBytes(StandardCharsets.UTF_8));
        for (Client c : clients) {
            if (c.symbols.contains(symbol) || c.symbols.contains("*")) {
                try {
                    synchronized (c.out) {
                        c.out.write(frame);
                        c.out.flush();
                    }
                } catch (IOException e) {
                    clients.remove(c);
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String head = readHead(in);
            Matcher key = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)").matcher(head);
            if (!key.find()) {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Client client = new Client(s, out, ConcurrentHashMap.newKeySet());
            clients.add(client);
            try {
                while (true) {
                    String text = readFrame(in, out);
                    if (text == null) {
                        return;
                    }
                    Matcher sm = SYMBOLS.matcher(text);
                    if (text.contains("\"subscribe\"") && sm.find()) {
                        StringBuilder list = new StringBuilder();
                        for (String sym : sm.group(1).split(",")) {
                            String v = sym.trim().replace("\"", "").toUpperCase();
                            if (!v.isEmpty()) {
                                client.symbols.add(v);
                                list.append(list.length() == 0 ? "" : ",").append('"').append(v).append('"');
                            }
                        }
                        byte[] reply = frame(("{\"type\":\"subscribed\",\"symbols\":[" + list + "]}").getBytes(StandardCharsets.UTF_8));
                        synchronized (out) {
                            out.write(reply);
                            out.flush();
                        }
                    }
                }
            } finally {
                clients.remove(client);
            }
        } catch (IOException e) {
            LOG.debug("connection ended: {}", e.toString());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof in request head");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** One client frame (masked); text returned, ping answered, close ends the connection (null). */
    private static String readFrame(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return null;
            }
            int op = b0 & 0x0f;
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | in.read();
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) len);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            if (op == 8) {
                synchronized (out) {
                    out.write(new byte[] {(byte) 0x88, 0});
                    out.flush();
                }
                return null;
            }
            if (op == 9) {
                byte[] pong = frame(payload);
                pong[0] = (byte) 0x8A;
                synchronized (out) {
                    out.write(pong);
                    out.flush();
                }
                continue;
            }
            msg.write(payload);
            if ((b0 & 0x80) != 0 && op != 10) {
                return msg.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** An unmasked final text frame. */
    private static byte[] frame(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + n];
        f[0] = (byte) 0x81;
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n < 65536) {
            f[1] = 126;
            f[2] = (byte) (n >> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) (((long) n) >> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, header, n);
        return f;
    }

    static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
