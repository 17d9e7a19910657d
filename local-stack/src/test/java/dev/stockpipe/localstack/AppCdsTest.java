package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppCdsTest {

    @Test
    void shouldRecordFirstThenReuseAndRecordAgainWhenAJarChanges(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        Path cds = dir.resolve("cds");
        List<String> cp = List.of(dir.resolve("missing/classes").toString(), jar.toString());
        List<String> jvm = List.of("-Xmx64m", "-XX:+UseSerialGC");

        List<String> first = AppCds.options(cds, "svc", cp, jvm);
        assertThat(first.get(0)).startsWith("-XX:ArchiveClassesAtExit=" + cds.resolve("svc-")).endsWith(".jsa.partial");
        Path partial = AppCds.recording(first).orElseThrow();
        Path archive = partial.resolveSibling(partial.getFileName().toString().replace(".partial", ""));
        assertThat(partial).doesNotExist();

        // A JVM killed while writing: its recording is dropped, and the next start records again.
        Files.write(partial, new byte[] {42});
        AppCds.finish(partial, 137);
        assertThat(partial).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(AppCds.options(cds, "svc", cp, jvm).get(0)).isEqualTo(first.get(0));

        Files.write(partial, new byte[] {42}); // what the JVM leaves at a clean exit (SIGTERM: 143)
        AppCds.finish(partial, 143);
        assertThat(partial).doesNotExist();
        assertThat(archive).exists();
        assertThat(AppCds.options(cds, "svc", cp, jvm).get(0)).isEqualTo("-XX:SharedArchiveFile=" + archive);

        // A rebuilt jar (new time): a new archive is recorded and the stale one (and stray recordings) removed,
        // while another service's archive with a longer name sharing the prefix stays.
        Path stray = Files.write(cds.resolve("svc-0123456789abcdef.jsa.partial"), new byte[] {1});
        Path other = Files.write(cds.resolve("svc-extra-0123456789abcdef.jsa"), new byte[] {1});
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        List<String> again = AppCds.options(cds, "svc", cp, jvm);
        assertThat(again.get(0)).startsWith("-XX:ArchiveClassesAtExit=").doesNotContain(archive.getFileName().toString());
        assertThat(archive).doesNotExist();
        assertThat(stray).doesNotExist();
        assertThat(other).exists();
        // Another heap is another archive.
        assertThat(AppCds.fingerprint(cp, List.of("-Xmx128m"))).isNotEqualTo(AppCds.fingerprint(cp, jvm));
    }

    @Test
    void shouldGiveNoOptionsForAClassesDirectoryOrWhenOff(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(AppCds.archivable(List.of(classes.toString()))).isTrue(); // empty
        Files.write(classes.resolve("A.class"), new byte[] {1});
        assertThat(AppCds.archivable(List.of(classes.toString()))).isFalse();
        assertThat(AppCds.options(dir.resolve("cds"), "svc", List.of(classes.toString()), List.of())).isEmpty();
        assertThat(AppCds.options(null, "svc", List.of(), List.of())).isEmpty();
    }

    @Test
    void shouldPackUnchangedClassesIntoTheSameJarWithTheNewestFileTime(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/dev/x"));
        Files.write(classes.resolve("A.class"), new byte[] {1, 2});
        Files.write(dir.resolve("classes/app.yml"), "a: 1".getBytes());
        Files.setLastModifiedTime(classes.resolve("A.class"), FileTime.fromMillis(1_700_000_000_000L));
        Files.setLastModifiedTime(dir.resolve("classes/app.yml"), FileTime.fromMillis(1_700_000_100_000L));

        Path one = dir.resolve("one.jar");
        Path two = dir.resolve("two.jar");
        RunCopy.jar(dir.resolve("classes"), one);
        Thread.sleep(20);
        RunCopy.jar(dir.resolve("classes"), two);
        assertThat(Files.readAllBytes(two)).isEqualTo(Files.readAllBytes(one));
        assertThat(Files.getLastModifiedTime(one).toMillis()).isEqualTo(1_700_000_100_000L);
        try (java.util.jar.JarFile jf = new java.util.jar.JarFile(one.toFile())) {
            assertThat(jf.stream().map(java.util.zip.ZipEntry::getName))
                    .containsExactly("app.yml", "dev/", "dev/x/", "dev/x/A.class");
        }
    }
}
