package dev.stockpipe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. Every embedded part binds 127.0.0.1 unless told otherwise. */
public final class FreePorts {
    private FreePorts() {}

    /** The only address embedded parts listen on by default. */
    public static final String LOOPBACK = "127.0.0.1";

    /** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick a free loopback port", e);
        }
    }

    /** True when nothing listens on host:port and we could bind it now. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            return false;
        }
        // A service bound to another address (e.g. 0.0.0.0 or ::) can still answer on loopback.
        return !isListening(LOOPBACK, port, 200);
    }

    /** True when something accepts TCP connections on host:port within timeoutMillis. */
    public static boolean isListening(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
