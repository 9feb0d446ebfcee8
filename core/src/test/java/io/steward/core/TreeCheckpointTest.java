package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.Outcome;
import io.steward.api.StewardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dump and restore with the real CRIU (CI provides a working one in {@code STEWARD_CRIU}). */
class TreeCheckpointTest extends RuntimeTestBase {
    @TempDir
    Path dir;
    Criu criu;

    @BeforeEach
    void needCriu() {
        assumeTrue(System.getenv("STEWARD_CRIU") != null,
                "no STEWARD_CRIU: .ci/run sets it to what bin/lib/criu-build prints");
        assumeTrue(io.steward.sys.Libc.getuid() == 0, "CRIU dumps and restores as root here");
        criu = new Criu(Criu.find());
    }

    private static String screen(ManagedProcess p) {
        return new String(p.stdout().read(0, Integer.MAX_VALUE).data(), StandardCharsets.ISO_8859_1);
    }

    private static List<Integer> numbers(String text) {
        List<Integer> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        return out;
    }

    @Test
    void aCountingPipeTreeGoesOnWhereItStopped() throws Exception {
        ProcessSpec spec = ProcessSpec.builder("sh", "-c",
                "i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done").build();
        ManagedProcess p = runtime.spawn(spec);
        Poll.until("a few numbers", () -> numbers(screen(p)).size() >= 5);
        Files.createDirectories(dir.resolve("images"));
        CheckpointedTree tree = p.checkpoint(criu, dir.resolve("images"), dir.resolve("dump.log"));
        assertTrue(tree.stdoutPipe() != 0, tree.toString());
        assertEquals(Outcome.CHECKPOINTED, p.endCheckpointed().get().outcome());
        List<Integer> before = numbers(text(p.stdout()));

        ManagedProcess back = runtime.restore(spec, criu, CheckpointedTree.fromJson(tree.toJson()),
                dir.resolve("images"), dir.resolve("restore.log"));
        assertEquals(p.pid(), back.pid());
        Poll.until("numbers after the restore", () -> numbers(screen(back)).size() >= 5);
        List<Integer> after = numbers(screen(back));
        assertEquals(before.getLast() + 1, after.getFirst(), "before " + before + " after " + after);
        back.stop(java.time.Duration.ofSeconds(2)).get();
        assertFalse(ProcStat.read(back.pid()).isPresent());
    }

    @Test
    void aShellOnATerminalKeepsItsVariable() throws Exception {
        ProcessSpec spec = ProcessSpec.builder("bash", "--norc", "-i").pty(24, 80).build();
        ManagedProcess p = runtime.spawn(spec);
        p.stdin().orElseThrow().offer("VAR=kept-42\n".getBytes(StandardCharsets.US_ASCII));
        p.stdin().orElseThrow().offer("echo set:$VAR\n".getBytes(StandardCharsets.US_ASCII));
        Poll.until("the variable set", () -> screen(p).contains("set:kept-42"));
        Files.createDirectories(dir.resolve("images"));
        CheckpointedTree tree = p.checkpoint(criu, dir.resolve("images"), dir.resolve("dump.log"));
        p.endCheckpointed().get();
        ManagedProcess back = runtime.restore(spec, criu, tree, dir.resolve("images"), dir.resolve("restore.log"));
        back.stdin().orElseThrow().offer("echo got:$VAR\n".getBytes(StandardCharsets.US_ASCII));
        Poll.until("the variable after the restore", () -> screen(back).contains("got:kept-42"));
        back.kill().get();
    }

    @Test
    void stdinTheTreeHasNotReadIsCopiedNotConsumed() throws Exception {
        Path flag = dir.resolve("flag");
        ProcessSpec spec = ProcessSpec.builder("sh", "-c",
                "while [ ! -e " + flag + " ]; do sleep 0.05; done; while read l; do echo got:$l; done").build();
        ManagedProcess p = runtime.spawn(spec);
        p.stdin().orElseThrow().offer("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
        Poll.until("the bytes in the pipe", () -> p.stdin().orElseThrow().queued() == 0);
        Files.createDirectories(dir.resolve("images"));
        p.checkpoint(criu, dir.resolve("images"), dir.resolve("dump.log"));
        assertEquals("one\ntwo\n", new String(p.pendingStdin(), StandardCharsets.US_ASCII));
        p.resume();
        Files.createFile(flag);
        Poll.until("the tree read them after all", () -> screen(p).contains("got:one\ngot:two\n"));
        p.kill().get();
    }

    @Test
    void aRestoreWhileTheTreeStillRunsIsAConflict() throws Exception {
        ProcessSpec spec = ProcessSpec.builder("sleep", "600").build();
        ManagedProcess p = runtime.spawn(spec);
        Files.createDirectories(dir.resolve("images"));
        CheckpointedTree tree = p.checkpoint(criu, dir.resolve("images"), dir.resolve("dump.log"));
        p.resume();
        StewardException e = assertThrows(StewardException.class,
                () -> runtime.restore(spec, criu, tree, dir.resolve("images"), dir.resolve("restore.log")));
        assertTrue(e.getMessage().contains("pid " + p.pid() + " of the checkpoint is in use"), e.getMessage());
        assertEquals(ManagedProcess.Phase.RUNNING, p.phase());
    }
}
