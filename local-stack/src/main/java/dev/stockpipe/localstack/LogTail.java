package dev.stockpipe.localstack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** The last error a service wrote to its log, for {@code status} and failed ready lines. */
public final class LogTail {
    private LogTail() {}

    /** How much of the end of a log is searched: enough for recent errors, cheap on a big log. */
    static final int TAIL_BYTES = 256 * 1024;
    private static final int MAX_LINE = 220;
    private static final Pattern ERROR = Pattern.compile("\\b(ERROR|FATAL)\\b|^Exception in thread|^Error: ");

    public static Optional<String> lastError(Path log) {
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (ERROR.matcher(line).find()) {
                    return Optional.of(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read " + log + ": " + e.getMessage());
        }
    }
}
