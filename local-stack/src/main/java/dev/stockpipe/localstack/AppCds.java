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
        return concat("-XX:ArchiveClassesAtExit=" + archive);
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
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, service + "-*" + SUFFIX)) {
            for (Path p : ds) {
                if (!p.equals(keep) && p.getFileName().toString().length() == keep.getFileName().toString().length()) {
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
