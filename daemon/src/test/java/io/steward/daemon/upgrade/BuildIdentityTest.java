package io.steward.daemon.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildIdentityTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    @Test
    void theSameJarsAreTheSameBuildAndARebuiltOneIsNot(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("steward.jar"), new byte[] {1, 2, 3});
        List<String> command = List.of(JAVA, "-Xmn16m", "-cp", jar.toString(), "io.steward.cli.Main");
        var first = BuildIdentity.of(command);
        assertTrue(first.isPresent());
        assertEquals(first, BuildIdentity.of(command));

        // Rebuilt in place, same size, one second later: another build.
        Files.write(jar, new byte[] {1, 2, 4});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(1)));
        assertNotEquals(first, BuildIdentity.of(command));

        // Replaced by a new file of the same bytes and time (a copy renamed over it): another inode.
        var second = BuildIdentity.of(command).orElseThrow();
        Path copy = Files.copy(jar, dir.resolve("steward.jar.new"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertNotEquals(second, BuildIdentity.of(command).orElseThrow());
    }

    @Test
    void aDirectoryOrAMissingFileOnTheClassPathHasNoIdentity(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1});
        assertTrue(BuildIdentity.of(List.of(JAVA, "-cp", jar + ":" + dir, "Main")).isEmpty());
        assertTrue(BuildIdentity.of(List.of(JAVA, "-cp", dir.resolve("gone.jar").toString(), "Main")).isEmpty());
        assertTrue(BuildIdentity.of(List.of(JAVA, "Main")).isEmpty(), "no class path named");
        assertTrue(BuildIdentity.of(List.of(JAVA, "-jar", jar.toString())).isPresent());
    }
}
