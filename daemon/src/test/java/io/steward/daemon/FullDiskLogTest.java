package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.daemon.session.SessionLog;
import io.steward.sys.Libc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A log writer on a full disk counts what it cannot write, keeps its file consistent, and resumes when space returns. */
class FullDiskLogTest extends DaemonFixture {
    private static int sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv));
        return p.exitValue();
    }

    @Test
    void theWriterSkipsAndCountsWhileTheDiskIsFullThenResumes() throws Exception {
        assumeTrue(Libc.getuid() == 0, "mounting a small tmpfs needs root; running as uid " + Libc.getuid());
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);
        assertEquals(0, sh("mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", logs.toString()));
        try {
            SessionLog.Counters counters = daemon.sessions().logCounters();
            String id = run("name", "full", "argv", List.of("cat")).id();
            byte[] mib = ("y".repeat(1023) + "\n").repeat(1024).getBytes(StandardCharsets.US_ASCII);
            client.sessions().send(id, mib, false);
            poll("the writer to meet the full disk and count it",
                    () -> counters.dropped().get() > 0 && counters.written().get() + counters.dropped().get() == mib.length);
            long onDisk = Files.size(logs.resolve("full.out.log"));
            assertEquals(counters.written().get(), onDisk, "what a failed write left half-done was cut off");

            client.sessions().flush(id); // space returns
            byte[] marker = "after-the-disk-was-full\n".getBytes(StandardCharsets.US_ASCII);
            // The writer tries the disk again a second after its last failure; until then it skips and counts.
            poll("the writer to resume", () -> {
                client.sessions().send(id, marker, false);
                try {
                    return Files.readString(logs.resolve("full.out.log")).contains("after-the-disk-was-full");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            client.sessions().kill(id);
            waitExit(id);
        } finally {
            sh("umount", "-l", logs.toString());
        }
    }
}
