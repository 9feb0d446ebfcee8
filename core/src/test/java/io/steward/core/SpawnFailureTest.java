package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnFailureTest extends RuntimeTestBase {
    @TempDir
    Path dir;

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void missingProgramNamesItAndErrno() throws IOException {
        long before = openFds();
        for (int i = 0; i < 50; i++) {
            SpawnException e = assertThrows(SpawnException.class,
                    () -> runtime.spawn(ProcessSpec.builder("steward-no-such-program").build()));
            assertTrue(e.getMessage().contains("'steward-no-such-program'"), e.getMessage());
            assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
            assertEquals(127, e.shellCode());
            assertEquals(127, SpawnException.shellCodeOf(e.getMessage()).orElseThrow());
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
        }
        SpawnException abs = assertThrows(SpawnException.class,
                () -> runtime.spawn(ProcessSpec.builder(dir.resolve("absent").toString()).build()));
        assertTrue(abs.getMessage().contains(dir.resolve("absent").toString()) && abs.getMessage().contains("ENOENT"));
        assertEquals(before, openFds(), "descriptors leaked by failed spawns");
        assertTrue(runtime.processes().isEmpty());
    }

    @Test
    void nonExecutableFileIsEacces() throws IOException {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        long before = openFds();
        SpawnException e = assertThrows(SpawnException.class,
                () -> runtime.spawn(ProcessSpec.builder(script.toString()).build()));
        assertTrue(e.getMessage().contains(script.toString()) && e.getMessage().contains("EACCES"), e.getMessage());
        assertEquals(126, e.shellCode());
        assertEquals(126, SpawnException.shellCodeOf(e.getMessage()).orElseThrow());
        assertEquals(before, openFds());
    }

    @Test
    void fileThatIsNoProgramIsEnoexec() throws IOException {
        Path junk = dir.resolve("junk");
        Files.write(junk, new byte[] {1, 2, 3, 4});
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rwxr-xr-x"));
        SpawnException e = assertThrows(SpawnException.class,
                () -> runtime.spawn(ProcessSpec.builder(junk.toString()).build()));
        assertTrue(e.getMessage().contains("ENOEXEC"), e.getMessage());
        assertEquals(126, e.shellCode());
    }

    @Test
    void badWorkingDirectoryNamesTheDirectory() throws IOException {
        long before = openFds();
        Path missing = dir.resolve("gone");
        SpawnException e = assertThrows(SpawnException.class,
                () -> runtime.spawn(ProcessSpec.builder("true").cwd(missing).build()));
        assertTrue(e.getMessage().contains("working directory '" + missing + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("ENOENT"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        SpawnException notDir = assertThrows(SpawnException.class,
                () -> runtime.spawn(ProcessSpec.builder("true").cwd(file).build()));
        assertTrue(notDir.getMessage().contains("ENOTDIR"), notDir.getMessage());
        assertEquals(126, SpawnException.shellCodeOf(notDir.getMessage()).orElseThrow(), "a directory is not the program");
        assertEquals(before, openFds());
    }

    @Test
    void onlyASpawnFailuresMessageReadsAsOne() {
        assertEquals(127, SpawnException.shellCodeOf("cannot start: program 'a': b': ENOENT (No such file or directory)")
                .orElseThrow());
        for (String other : java.util.List.of("no session 'x'", "cannot start: program 'x'", "name: cannot start: program 'x': ENOENT (y) z")) {
            assertTrue(SpawnException.shellCodeOf(other).isEmpty(), other);
        }
    }

    @Test
    void badSpecsAreTypedErrors() {
        StewardException empty = assertThrows(StewardException.class, () -> ProcessSpec.builder(java.util.List.of()).build());
        assertEquals(ErrorCode.INVALID_INPUT, empty.code());
        StewardException nul = assertThrows(StewardException.class, () -> ProcessSpec.builder("echo", "a\0b").build());
        assertEquals(ErrorCode.INVALID_INPUT, nul.code());
        StewardException ring = assertThrows(StewardException.class,
                () -> ProcessSpec.builder("true").ringBytes(100).build());
        assertTrue(ring.getMessage().contains("ring size"));
        StewardException size = assertThrows(StewardException.class, () -> ProcessSpec.builder("true").pty(0, 80).build());
        assertEquals(ErrorCode.INVALID_INPUT, size.code());
    }

    /**
     * Half a surrogate pair has no UTF-8 form: encoding it for the child would silently turn it into
     * '?', so the spec refuses it and nothing is spawned.
     */
    @Test
    void stringsWithoutAUtf8FormAreRefusedNotReplaced() {
        for (ProcessSpec.Builder b : java.util.List.of(ProcessSpec.builder("printf", "a\ud800"),
                ProcessSpec.builder("printf\udc00"), ProcessSpec.builder("true").env("A", "\udfff"),
                ProcessSpec.builder("true").env("\ud83dA", "x"))) {
            StewardException e = assertThrows(StewardException.class, b::build);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        }
        assertEquals("\ud83d\ude00", ProcessSpec.builder("printf", "\ud83d\ude00").build().argv().get(1));
    }
}
