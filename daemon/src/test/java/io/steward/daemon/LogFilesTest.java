package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.OutputChunk;
import io.steward.api.SessionInfo;
import io.steward.daemon.session.LogFile;
import io.steward.daemon.session.SessionLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every session's output also goes to rotated files under STEWARD_HOME/logs, written off the I/O loop. */
class LogFilesTest extends DaemonFixture {
    private long logBytes(String stem) throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("logs"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(stem + ".out.log"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private long logFiles(String stem) throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("logs"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(stem + ".")).count();
        }
    }

    @Test
    void aHundredMebibytesKeepAtMostSixtyOnDisk() throws Exception {
        SessionLog.Counters counters = daemon.sessions().logCounters();
        // Under backpressure the writer gets every byte, so the rotation is certain however busy the machine.
        String id = run("name", "flood", "overflow", "backpressure",
                "argv", List.of("head", "-c", "104857600", "/dev/zero")).id();
        waitExit(id);
        poll("the log writer to reach the end", () -> counters.written().get() == 104_857_600L);
        assertEquals(0, counters.dropped().get());
        long onDisk = logBytes("flood");
        assertTrue(onDisk <= 60L * 1024 * 1024, onDisk + " bytes of logs");
        assertTrue(onDisk >= 40L * 1024 * 1024, onDisk + " bytes of logs: four full files at least");
        assertTrue(logFiles("flood") <= LogFile.FILES, "at most five files");
        assertTrue(Files.exists(home.resolve("logs/flood.out.log.4")));
        assertFalse(Files.exists(home.resolve("logs/flood.out.log.5")));
        assertFalse(Files.exists(home.resolve("logs/flood.err.log.1")), "nothing on stderr");
    }

    @Test
    void logsReadOnFromTheFilesWhenTheRingHasRolledPast() throws Exception {
        String id = run("name", "small", "ringBytes", 4096L,
                "argv", List.of("sh", "-c", "while read l; do echo \"$l\"; done")).id();
        String line = "x".repeat(63) + "\n";
        client.sessions().send(id, ("first" + line.substring(5)).repeat(1).getBytes(StandardCharsets.UTF_8), false);
        client.sessions().send(id, line.repeat(40).getBytes(StandardCharsets.UTF_8), false);
        poll("the first 41 lines on disk", () -> fileLength(home.resolve("logs/small.out.log")) == 41L * 64);
        // Less than the ring at a time, so the writer cannot miss any of it; the ring rolls past 0 all the same.
        client.sessions().send(id, line.repeat(40).getBytes(StandardCharsets.UTF_8), false);
        poll("the ring to roll past the start", () -> client.sessions().output(id, null, 0, 64).next() == 64);
        OutputChunk o = client.sessions().output(id, null, 0, 64);
        assertEquals(0, o.cursor(), "read from the file: nothing dropped");
        assertEquals(0, o.dropped());
        assertEquals("first" + "x".repeat(58) + "\n", new String(o.data(), StandardCharsets.UTF_8));
        // One read from 0 runs on from the files into the ring: a short read means caught up.
        poll("all 81 lines readable from 0", () -> output(id, null, 0).length == 81 * 64);
        assertTrue(daemon.sessions().find(id).process().stdout().start() > 0, "the ring no longer holds byte 0");
        // The writer may still be appending the second batch: a flush before it is done would leave it after.
        poll("all 81 lines on disk", () -> fileLength(home.resolve("logs/small.out.log")) == 81L * 64);
        client.sessions().flush(id);
        assertEquals(0, fileLength(home.resolve("logs/small.out.log")));
    }

    @Test
    void aRestartWritesOnIntoTheSameFilesAndAPtyHasOne() throws Exception {
        String id = run("name", "again", "argv", List.of("sh", "-c", "echo run; exit 1"),
                "restart", "on-failure", "maxRestarts", 1L).id();
        poll("errored after one restart", () -> client.sessions().get(id).phase() == SessionInfo.Phase.ERRORED);
        poll("both runs on disk", () -> readLog("again.out.log").equals("run\nrun\n"));
        String pty = run("name", "term", "pty", true, "argv", List.of("sh", "-c", "echo hi; exit 0")).id();
        waitExit(pty);
        poll("the terminal's log", () -> readLog("term.out.log").contains("hi"));
        assertFalse(Files.exists(home.resolve("logs/term.err.log")));
        String none = run("name", "quiet", "logFile", false, "argv", List.of("echo", "nope")).id();
        waitExit(none);
        assertFalse(Files.exists(home.resolve("logs/quiet.out.log")));
    }

    private String readLog(String name) {
        try {
            return Files.readString(home.resolve("logs").resolve(name));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private long fileLength(Path p) {
        return p.toFile().length();
    }
}
