package dev.stockpipe.relay.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A sink that records what it was sent; completes writes at once, or holds them until {@link #release}. */
final class RecordingSink implements ClientSink {
    final List<String> sent = new ArrayList<>();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    volatile boolean hold;
    volatile int closeCode = -1;
    volatile String closeReason;
    volatile boolean aborted;

    @Override
    public synchronized CompletionStage<Void> sendBatch(List<Outbound> frames) {
        for (Outbound f : frames) {
            sent.add(f.text());
        }
        if (!hold) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    /** Completes every held write (and stops holding). */
    void release() {
        List<CompletableFuture<Void>> toComplete;
        synchronized (this) {
            hold = false;
            toComplete = new ArrayList<>(pending);
            pending.clear();
        }
        toComplete.forEach(f -> f.complete(null));
    }

    synchronized List<String> sent() {
        return new ArrayList<>(sent);
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    @Override
    public boolean isOpen() {
        return closeCode < 0 && !aborted;
    }
}
