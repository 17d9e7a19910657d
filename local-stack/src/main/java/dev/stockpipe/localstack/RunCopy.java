package dev.stockpipe.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of what a service runs from: its {@code target/classes} and the stockpipe SNAPSHOT jars of its
 * classpath. A {@code mvn install} while the stack runs rewrites those files in place, and a JVM whose class files
 * change under it fails with NoClassDefFoundError hours later; third-party jars in ~/.m2 never change.
 */
final class RunCopy {
    private RunCopy() {}

    /** Copies into runDir (emptied first); returns the module dir to start from (classes + classpath.txt). */
    static Path of(Path moduleDir, Path runDir) {
        try {
            deleteTree(runDir);
            Path target = runDir.resolve("target");
            copyTree(moduleDir.resolve("target/classes"), target.resolve("classes"));
            Path lib = runDir.resolve("lib");
            Files.createDirectories(lib);
            List<String> entries = new ArrayList<>();
            for (String entry : Files.readString(moduleDir.resolve("target/classpath.txt")).trim().split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (entry.contains(File.separator + "dev" + File.separator + "stockpipe" + File.separator) && Files.isRegularFile(p)) {
                    Path copy = lib.resolve(p.getFileName());
                    Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                    entries.add(copy.toString());
                } else if (entry.contains(File.separator + "dev" + File.separator + "stockpipe" + File.separator) && Files.isDirectory(p)) {
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
