package dev.stockpipe.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A private copy of what a service runs from: its {@code target/classes} and the stockpipe SNAPSHOT jars of its
 * classpath. A {@code mvn install} while the stack runs rewrites those files in place, and a JVM whose class files
 * change under it fails with NoClassDefFoundError hours later; third-party jars in ~/.m2 never change.
 * The service's classes are packed into {@code lib/app.jar}, first on the classpath, byte-identical and with the
 * same modification time while they do not change, and the copied jars keep theirs: {@link AppCds} can only
 * archive jars, and its archive stays valid exactly as long as those files do.
 */
final class RunCopy {
    private RunCopy() {}

    /** Copies into runDir (emptied first); returns the module dir to start from (classes + classpath.txt). */
    static Path of(Path moduleDir, Path runDir) {
        try {
            deleteTree(runDir);
            Path target = runDir.resolve("target");
            Files.createDirectories(target);
            Path lib = runDir.resolve("lib");
            Files.createDirectories(lib);
            List<String> entries = new ArrayList<>();
            Path app = lib.resolve("app.jar");
            jar(moduleDir.resolve("target/classes"), app);
            entries.add(app.toString());
            for (String entry : Files.readString(moduleDir.resolve("target/classpath.txt")).trim().split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (ours(entry) && Files.isRegularFile(p)) {
                    Path copy = lib.resolve(p.getFileName());
                    Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    entries.add(copy.toString());
                } else if (ours(entry) && Files.isDirectory(p)) {
                    Path copy = lib.resolve("dir-" + entries.size());
                    copyTree(p, copy);
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            Files.writeString(target.resolve("classpath.txt"), String.join(File.pathSeparator, entries));
            return runDir;
        } catch (IOException e) {
            throw new LocalStackException("cannot copy " + moduleDir + " to " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** Ours: installed stockpipe SNAPSHOTs (~/.m2/.../dev/stockpipe/...) and reactor jars (module/target/x.jar). */
    private static boolean ours(String entry) {
        return entry.contains(File.separator + "dev" + File.separator + "stockpipe" + File.separator)
                || entry.contains(File.separator + "target" + File.separator);
    }

    /**
     * A jar of the directory's files in name order with their own times and no manifest, so unchanged classes
     * give the same bytes; the jar's own modification time is the newest file's.
     */
    static void jar(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.exists(classes) ? Files.walk(classes) : Stream.empty()) {
            files = walk.filter(f -> !f.equals(classes))
                    .sorted(Comparator.comparing(f -> classes.relativize(f).toString().replace(File.separatorChar, '/')))
                    .toList();
        }
        long newest = 0;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path f : files) {
                boolean dir = Files.isDirectory(f);
                long mtime = Files.getLastModifiedTime(f).toMillis();
                // Directory entries as the jar tool writes them (some resource lookups ask for a directory).
                JarEntry e = new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/') + (dir ? "/" : ""));
                e.setTime(mtime);
                out.putNextEntry(e);
                if (!dir) {
                    newest = Math.max(newest, mtime);
                    Files.copy(f, out);
                }
                out.closeEntry();
            }
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(newest));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
