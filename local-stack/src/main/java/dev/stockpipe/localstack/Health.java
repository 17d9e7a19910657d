package dev.stockpipe.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Connects to each kind of part to see whether it serves; used by status, up (external parts) and the monitor. */
public final class Health {
    private Health() {}

    /** Outcome of one probe; detail says why it is not healthy. */
    public record Probe(boolean healthy, String detail) {
        static Probe ok(String detail) {
            return new Probe(true, detail);
        }

        static Probe down(String detail) {
            return new Probe(false, detail);
        }
    }

    public static Probe kafka(String bootstrapServers, int timeoutMillis) {
        try (Admin admin = admin(bootstrapServers, timeoutMillis)) {
            int nodes = admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).size();
            return nodes > 0 ? Probe.ok(nodes + " broker(s)") : Probe.down("no brokers");
        } catch (ExecutionException e) {
            return Probe.down(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return Probe.down("no answer within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.down("interrupted");
        } catch (RuntimeException e) {
            return Probe.down(e.toString());
        }
    }

    /** Creates the topics that are missing (existing ones are left as they are). */
    public static void createTopics(String bootstrapServers, int partitions, short replication, Collection<String> names) {
        try (Admin admin = admin(bootstrapServers, 15_000)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, replication));
            }
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new LocalStackException("cannot create topic " + result.getKey() + " on " + bootstrapServers
                                + ": " + e.getCause().getMessage());
                    }
                } catch (TimeoutException e) {
                    throw new LocalStackException("timed out creating topic " + result.getKey() + " on " + bootstrapServers);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("interrupted while creating topics");
                }
            }
        }
    }

    public static Probe postgres(String host, int port, String database, String user, String password, int timeoutSeconds) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        try (Connection c = DriverManager.getConnection(url, props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return Probe.ok("PostgreSQL " + rs.getString(1));
        } catch (SQLException e) {
            return Probe.down(e.getMessage());
        }
    }

    public static Probe redis(String host, int port, int timeoutMillis) {
        return EmbeddedRedis.ping(host, port, timeoutMillis) ? Probe.ok("PONG") : Probe.down("no PONG from " + host + ":" + port);
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();

    /** GET url: healthy on 200. */
    public static Probe http(String url, int timeoutMillis) {
        try {
            java.net.http.HttpResponse<String> r = get(url, timeoutMillis);
            String body = r.body() == null ? "" : r.body().strip();
            String shown = body.length() > 160 ? body.substring(0, 160) + "..." : body;
            return r.statusCode() == 200 ? Probe.ok(shown) : Probe.down("HTTP " + r.statusCode() + " " + shown);
        } catch (java.io.IOException e) {
            return Probe.down("no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.down("interrupted");
        }
    }

    public static java.net.http.HttpResponse<String> get(String url, int timeoutMillis) throws java.io.IOException, InterruptedException {
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(java.time.Duration.ofMillis(timeoutMillis)).GET().build();
        return HTTP.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static Admin admin(String bootstrapServers, int timeoutMillis) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis),
                // Give up quickly on an address that refuses connections instead of backing off for minutes.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000",
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(timeoutMillis, 5000)),
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Integer.toString(timeoutMillis)));
    }
}
