package dev.stockpipe.relay;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts WebSocket sessions still open, so shutdown can let their close handshakes finish first. */
final class OpenSessions {
    private final AtomicInteger open = new AtomicInteger();
    private final Object lock = new Object();

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        if (open.decrementAndGet() <= 0) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    int count() {
        return open.get();
    }

    /** Waits until none is open or the timeout passes; true when none is open. */
    boolean awaitNone(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            long left;
            while (open.get() > 0 && (left = deadline - System.currentTimeMillis()) > 0) {
                lock.wait(left);
            }
        }
        return open.get() <= 0;
    }
}
