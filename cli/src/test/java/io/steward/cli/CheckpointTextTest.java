package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.AttachMessage;
import io.steward.api.CheckpointInfo;
import io.steward.api.CheckpointList;
import io.steward.api.ErrorCode;
import io.steward.api.Outcome;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How checkpoints, their events and a session a checkpoint ended read, without a daemon. */
class CheckpointTextTest {
    private static final String DIGEST = "sha256:" + "3f1c0e9a7b2d".repeat(5) + "abcd";
    private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

    private static CheckpointInfo checkpoint(String tag, String kind, String name, long stored, long unique) {
        return new CheckpointInfo(DIGEST, tag, kind, "wpu3ypko7a4i6xd5zwui74tjen", name, AT, stored, unique, stored * 3,
                "4.1.1", "6.14.0", List.of(4242L), false, kind.equals("criu") ? null : "criu 3.17.1: vdso");
    }

    @Test
    void theTableHasAShortDigestTheSessionHumanSizesAndTheStoresTotal() {
        CheckpointList list = new CheckpointList(List.of(checkpoint("before", "criu", "counter", 12_900_000, 3_100_000),
                checkpoint(null, "unsupported", null, 900, 900)), 16_000_000, 37);
        List<String> lines = CheckpointCommands.table(list).lines().toList();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(1).matches("before +3f1c0e9a7b2d +counter +criu +12M +3\\.0M +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"),
                lines.get(1));
        assertTrue(lines.get(2).matches("- +3f1c0e9a7b2d +wpu3ypko +unsupported +900B +900B +.*"), lines.get(2));
        assertEquals("store: 15M on disk in 37 blobs", lines.get(3));
    }

    @Test
    void theCheckpointEventsReadAsLines() {
        String checkpointed = ObserveCommand.line(new SessionEvent.Checkpointed(1, AT, "s", "counter", DIGEST, "before",
                false, 12_900_000, Duration.ofMillis(840)));
        assertTrue(checkpointed.endsWith(" checkpointed " + DIGEST + " (before) 12M in 840ms"), checkpointed);
        String left = ObserveCommand.line(new SessionEvent.Checkpointed(2, AT, "s", "counter", DIGEST, null, true, 1024,
                Duration.ofMillis(2500)));
        assertTrue(left.endsWith(" checkpointed " + DIGEST + " 1.0K in 2s, left running"), left);
        String restored = ObserveCommand.line(new SessionEvent.Restored(3, AT, "t", null, 4242, DIGEST));
        assertTrue(restored.endsWith(" restored  pid 4242 from " + DIGEST), restored);
        String failed = ObserveCommand.line(new SessionEvent.CheckpointFailed(4, AT, "s", "counter", "restore",
                "Error (criu/cr-restore.c:1480): Can't fork for 4242: File exists"));
        assertTrue(failed.endsWith(" checkpoint-failed restore: Error (criu/cr-restore.c:1480): Can't fork for 4242: File exists"),
                failed);
    }

    @Test
    void aSessionACheckpointEndedSaysSoOnce() {
        SessionInfo s = new SessionInfo("wpu3ypko7a4i6xd5zwui74tjen", "counter", null, SessionInfo.Kind.PIPE,
                List.of("sleep", "60"), 4242, SessionState.EXITED, SessionInfo.Phase.EXITED, false, false, null, "KILL",
                Outcome.CHECKPOINTED, AT, Duration.ofSeconds(5), Duration.ZERO, 0, 0, false, false, false, 0, null, null,
                Duration.ZERO, 0, 0, Duration.ZERO, 0, 0, 0, null, "HUP",
                new SessionInfo.Heartbeat(null, null, null, null, null, false, 0, null, null, null, null), null);
        assertEquals("checkpointed", SessionView.state(s));
        assertEquals("checkpointed", SessionView.ending(s));
        assertEquals("counter (wpu3ypko) pid 4242: checkpointed", Printer.line(s));
        assertEquals(128 + 9, Printer.exitCodeOf(s), "wait exits as for any tree killed by KILL");

        AttachEnding ending = AttachEnding.exited("counter", new AttachMessage.Exit(null, "KILL", Outcome.CHECKPOINTED));
        assertTrue(ending.line(false).startsWith("steward: session counter was checkpointed"), ending.line(false));
        assertEquals(128 + 9, ending.exitCode());
    }

    @Test
    void unsupportedHasAnExitCodeOfItsOwnAndCorruptIsAFailure() {
        assertEquals(5, Errors.exitCode(ErrorCode.UNSUPPORTED));
        assertEquals(1, Errors.exitCode(ErrorCode.CORRUPT));
        assertEquals(3, Errors.exitCode(ErrorCode.NOT_FOUND));
    }
}
