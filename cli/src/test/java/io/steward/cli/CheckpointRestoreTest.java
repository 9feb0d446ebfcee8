package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A counter checkpointed and restored with the real CRIU (CI provides a working one in {@code STEWARD_CRIU}). */
class CheckpointRestoreTest {
    @TempDir
    Path tmp;

    private RunningDaemon daemon;

    @AfterEach
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    private String ok(String... args) throws Exception {
        Cli.Result r = Cli.runWith(daemon.env, null, args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    /** The last number the session printed. */
    private long lastCount(String ref) throws Exception {
        List<String> lines = ok("logs", ref, "--tail", "1").lines().toList();
        return lines.isEmpty() ? 0 : Long.parseLong(lines.getLast().strip());
    }

    @Test
    void aCounterGoesOnFromWhereItWasCheckpointed() throws Exception {
        String criu = System.getenv("STEWARD_CRIU");
        assumeTrue(criu != null, "no STEWARD_CRIU: .ci/run sets it to what bin/lib/criu-build prints");
        daemon = RunningDaemon.start(tmp.resolve("home"), Map.of("STEWARD_CRIU", criu, "NO_COLOR", "1"));
        String id = ok("run", "--name", "counter", "--", "sh", "-c",
                "i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done").strip();
        Cli.poll("the counter past 3", () -> {
            try {
                return lastCount(id) > 3;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        String digest = ok("checkpoint", "counter", "--name", "before").strip();
        assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
        long atCheckpoint = lastCount(id);
        assertEquals("counter (" + id.substring(0, 8) + ") pid " + daemon.session(id).get("pid") + ": checkpointed\n",
                Cli.runWith(daemon.env, null, "wait", id).out());
        List<String> rows = ok("checkpoints").lines().toList();
        assertTrue(rows.get(1).matches("before +" + digest.substring(7, 19) + " +counter +criu +.*"), rows.toString());

        String restored = ok("restore", "before", "--name", "again").strip();
        Cli.poll("the restored counter past " + atCheckpoint, () -> {
            try {
                return lastCount(restored) > atCheckpoint;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(atCheckpoint + 1, Long.parseLong(ok("logs", restored).lines().findFirst().orElseThrow().strip()),
                "its first line is the number after the last one before the checkpoint");
        ok("kill", "again");

        assertTrue(ok("checkpoint", "rm", digest.substring(7, 19)).startsWith("removed before (sha256:"));
        assertTrue(ok("gc").matches("removed [1-9]\\d* blobs?, freed \\S+; the store holds 0B\n"));
    }
}
