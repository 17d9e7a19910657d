package dev.stockpipe.relay.core;

import java.io.ByteArrayOutputStream;

/**
 * Joins a fragmented WebSocket message (first frame + continuation frames) up to a size limit, keeping no
 * more than the limit in memory: past it, the rest of the message is counted and dropped. One per connection,
 * used from the connection's I/O thread only.
 */
public final class MessageAssembler {
    /** What a frame completed. */
    public enum Kind { PARTIAL, TEXT, BINARY, TOO_LARGE }

    /** A completed message: its kind, its bytes (TEXT only) and its total size. */
    public record Message(Kind kind, byte[] bytes, long size) {}

    private static final Message PARTIAL = new Message(Kind.PARTIAL, null, 0);

    private final int maxBytes;
    private ByteArrayOutputStream buffer;
    private boolean binary;
    private long size;
    private boolean open;

    public MessageAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The first frame of a message (text or binary).
     *
     * @param chunk the frame's bytes, or null when the caller did not copy them because {@link #keeps} said no
     */
    public Message first(boolean isBinary, byte[] chunk, int length, boolean fin) {
        open = true;
        binary = isBinary;
        size = 0;
        buffer = null;
        if (fin) {
            open = false;
            return complete(length <= maxBytes ? chunk : null, length);
        }
        append(chunk, length);
        return PARTIAL;
    }

    /** A continuation frame; ignored when no message is open (a protocol slip of the client). */
    public Message continuation(byte[] chunk, int length, boolean fin) {
        if (!open) {
            return PARTIAL;
        }
        append(chunk, length);
        if (!fin) {
            return PARTIAL;
        }
        open = false;
        byte[] all = buffer == null ? null : buffer.toByteArray();
        buffer = null;
        return complete(all, size);
    }

    /** Whether the next chunk of this length would be kept (callers skip copying it otherwise). */
    public boolean keeps(boolean firstFrame, boolean isBinary, int length) {
        return firstFrame ? !isBinary && length <= maxBytes : open && !binary && size + length <= maxBytes;
    }

    private void append(byte[] chunk, int length) {
        size += length;
        if (chunk != null && !binary && size <= maxBytes) {
            if (buffer == null) {
                buffer = new ByteArrayOutputStream(Math.max(256, chunk.length * 2));
            }
            buffer.write(chunk, 0, chunk.length);
        } else {
            buffer = null; // over the limit or binary: keep counting, stop keeping
        }
    }

    private Message complete(byte[] bytes, long total) {
        if (binary) {
            return new Message(Kind.BINARY, null, total);
        }
        if (total == 0) {
            return new Message(Kind.TEXT, new byte[0], 0);
        }
        if (total > maxBytes || bytes == null) {
            return new Message(Kind.TOO_LARGE, null, total);
        }
        return new Message(Kind.TEXT, bytes, total);
    }
}
