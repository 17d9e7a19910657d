package dev.stockpipe.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Application class-data sharing for the service JVMs {@code up} starts: the first run of a classpath records
 * the classes it loaded into {@code <dir>/<service>-<fingerprint>.jsa} when the JVM exits (at {@code down});
 * later runs map that archive instead of parsing and verifying those classes again. Seven JVMs start at once
 * on two cores, so class loading is most of {@code up}'s time (bars-query-service alone: Micronaut start-up
 * 2.0 s without, 1.0 s with).
 *
 * <p>The fingerprint covers the JVM, the heap and GC options and every classpath jar's path, size and
 * modification time (what the JVM itself checks), so a rebuild or a JDK change records a new archive rather
 * than being refused. A stale or unreadable archive only costs the speed-up: the JVM ({@code -Xshare:auto},
 * the default) then starts without it. JDK 17 cannot archive from a non-empty classes directory, so a
 * classpath with one gets no options (RunCopy packs the service's classes into a jar for this reason).
 */
final class AppCds {
    static final String SUFFIX = ".jsa";
    static final String PARTIAL = ".partial";
    private static final String RECORD = "-XX:ArchiveClassesAtExit=";
    /** The JVM's own notes about skipped classes at dump time are noise in a service log. */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private AppCds() {}

    /** The JVM options that use (or, when missing, record) the archive of this service and classpath. */
    static List<String> options(Path dir, String service, List<String> classpath, List<String> jvmOptions) {
        if (dir == null || !archivable(classpath)) {
            return List.of();
        }
        String key = fingerprint(classpath, jvmOptions);
        Path archive = dir.resolve(service + "-" + key + SUFFIX);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
                return concat("-XX:SharedArchiveFile=" + archive);
            }
            deleteOthers(dir, service, archive);
        } catch (IOException e) {
            return List.of();
        }
        // Recorded under a temporary name and renamed only after a clean exit: a JVM killed while writing leaves
        // a truncated file that must never be mapped (or mistaken for a finished archive and kept for good).
        return concat(RECORD + archive + PARTIAL);
    }

    /** The archive a command line records into, when it records one. */
    static java.util.Optional<Path> recording(List<String> command) {
        return command.stream().filter(a -> a.startsWith(RECORD) && a.endsWith(PARTIAL))
                .map(a -> Path.of(a.substring(RECORD.length()))).findFirst();
    }

    /** After the JVM exited: a clean exit (0, or 143 after SIGTERM) keeps the recording, anything else drops it. */
    static void finish(Path partial, int exitCode) {
        String name = partial.getFileName().toString();
        Path done = partial.resolveSibling(name.substring(0, name.length() - PARTIAL.length()));
        try {
            if ((exitCode == 0 || exitCode == 143) && Files.isRegularFile(partial) && Files.size(partial) > 0) {
                Files.move(partial, done, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            // Only the speed-up is lost; the next start records again.
        }
    }

    /** Only jars, missing paths and empty directories: JDK 17 refuses to dump with classes in a directory. */
    static boolean archivable(List<String> classpath) {
        for (String entry : classpath) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    if (s.findAny().isPresent()) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    static String fingerprint(List<String> classpath, List<String> jvmOptions) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            update(md, System.getProperty("java.home"));
            update(md, System.getProperty("java.vm.version"));
            jvmOptions.forEach(o -> update(md, o));
            for (String entry : classpath) {
                Path p = Path.of(entry);
                update(md, entry);
                if (Files.isRegularFile(p)) {
                    update(md, Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    /** An older archive of the same service is dead weight (tens of MB) once its classpath changed. */
    private static void deleteOthers(Path dir, String service, Path keep) throws IOException {
        int length = keep.getFileName().toString().length();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, service + "-*" + SUFFIX + "{," + PARTIAL + "}")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                // Same service (not a longer name sharing the prefix); a leftover recording of any fingerprint too.
                boolean ours = n.length() == length || (n.endsWith(PARTIAL) && n.length() == length + PARTIAL.length());
                if (ours && !p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<String> concat(String option) {
        return Stream.concat(Stream.of(option), QUIET.stream()).toList();
    }

    /** Splits a java -cp value. */
    static List<String> entries(String classpath) {
        return List.of(classpath.split(File.pathSeparator));
    }
}
