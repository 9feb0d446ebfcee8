package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExitAndStreamsTest extends RuntimeTestBase {
    @Test
    void exitCodesAreExact() throws Exception {
        for (int code : new int[] {0, 1, 3, 42, 255}) {
            ExitStatus s = sh("exit " + code).waitFor();
            assertEquals(code, s.code());
            assertEquals(0, s.signal());
            assertEquals(code, s.shellCode());
            assertEquals(Outcome.NATURAL_EXIT, s.outcome());
        }
    }

    @Test
    void signalsAreExact() throws Exception {
        ExitStatus killed = sh("kill -KILL $$").waitFor();
        assertEquals(9, killed.signal());
        assertEquals(137, killed.shellCode());
        ExitStatus usr1 = sh("kill -USR1 $$").waitFor();
        assertEquals(10, usr1.signal());
        assertEquals(Outcome.NATURAL_EXIT, usr1.outcome());
    }

    @Test
    void childSeesOnlyDescriptorsZeroToTwo() throws Exception {
        ManagedProcess p = spawn("sleep", "30");
        // Right after exec the dynamic loader holds a library open for a moment (fd 3); an inherited
        // descriptor would stay, so the set must settle to 0-2 within the deadline.
        Set<String> fds = Set.of();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(p.pid()), "fd"))) {
                fds = s.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
            }
            if (fds.equals(Set.of("0", "1", "2"))) {
                break;
            }
            Thread.sleep(5);
        }
        assertEquals(Set.of("0", "1", "2"), fds);
        p.kill();
        p.waitFor();
    }

    @Test
    void stdoutAndStderrStayApartByteExact() throws Exception {
        // invalid UTF-8 (\377\376, a lone continuation byte \200), a carriage return, no trailing newline
        ManagedProcess p = sh("printf 'out\\377\\376\\r\\200end'; printf 'err\\r\\n\\0x\\303' >&2");
        p.waitFor();
        assertArrayEquals(new byte[] {'o', 'u', 't', (byte) 0xff, (byte) 0xfe, '\r', (byte) 0x80, 'e', 'n', 'd'},
                readAll(p.stdout()));
        assertArrayEquals(new byte[] {'e', 'r', 'r', '\r', '\n', 0, 'x', (byte) 0xc3}, readAll(p.stderr().orElseThrow()));
    }

    @Test
    void mergedStderrSharesOneRing() throws Exception {
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("sh", "-c", "echo a; echo b >&2; echo c")
                .mergeStderr(true).build());
        p.waitFor();
        assertEquals("a\nb\nc\n", text(p.stdout()));
        assertTrue(p.stderr().isEmpty());
    }

    @Test
    void environmentAndWorkingDirectoryApply() throws Exception {
        Path dir = Files.createTempDirectory("steward-cwd");
        try {
            ManagedProcess p = runtime.spawn(ProcessSpec.builder("sh", "-c", "pwd; echo $FOO; echo ${HOME:-unset}; echo $STEWARD_ORIGINATOR")
                    .cwd(dir).clearEnv(true).env("FOO", "bar baz").env("PATH", "/usr/bin:/bin").build());
            p.waitFor();
            String[] lines = text(p.stdout()).split("\n");
            assertEquals(dir.toRealPath().toString(), lines[0]);
            assertEquals("bar baz", lines[1]);
            assertEquals("unset", lines[2]);
            assertEquals(p.originator(), lines[3]);
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void niceIsApplied() throws Exception {
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("sleep", "30").nice(7).build());
        Poll.until("niceness 7", () -> readNice(p.pid()) == 7);
        p.kill();
        p.waitFor();
    }

    private static int readNice(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (IOException e) {
            return Integer.MIN_VALUE;
        }
    }
}
