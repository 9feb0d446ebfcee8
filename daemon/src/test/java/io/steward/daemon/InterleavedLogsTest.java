package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.LogsPage;
import io.steward.api.StdStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both streams read back together in the order the program wrote them, each piece marked with its stream. */
class InterleavedLogsTest extends DaemonFixture {
    @Test
    void stdoutAndStderrComeBackInArrivalOrderThroughARestart() throws Exception {
        // Each line is written after the previous one was surely read: the pause is the program's, not the test's.
        String script = "for i in 1 2 3; do echo out$i; sleep 0.1; echo err$i >&2; sleep 0.1; done; exit 1";
        String id = run("name", "mix", "restart", "on-failure", "maxRestarts", 1L,
                "argv", List.of("sh", "-c", script)).id();
        waitExit(id);
        StringBuilder text = new StringBuilder();
        StringBuilder streams = new StringBuilder();
        long out = 0;
        long err = 0;
        LogsPage logs;
        do {
            logs = client.sessions().logs(id, out, err, 7); // small reads: the order holds across reads too
            for (LogsPage.Piece p : logs.pieces()) {
                text.append(new String(p.data(), StandardCharsets.US_ASCII));
                streams.append(p.stream().wire()).append(' ');
            }
            out = logs.outNext();
            err = logs.errNext();
        } while (!logs.caughtUp());
        String once = "out1\nerr1\nout2\nerr2\nout3\nerr3\n";
        assertEquals(once + once, text.toString(), "two runs, each in order");
        assertTrue(logs.eof(), "both streams ended for good");
        assertTrue(streams.toString().startsWith("stdout stderr "), streams.toString());
    }

    @Test
    void aTerminalSessionHasOneStream() throws Exception {
        String id = run("pty", true, "argv", List.of("sh", "-c", "echo one; echo two >&2")).id();
        waitExit(id);
        // A terminal's last bytes may be read after the exit is seen: the stream's end is what says all is in.
        poll("the terminal's stream to end", () -> client.sessions().logs(id, 0, 0, 1 << 20).eof());
        LogsPage logs = client.sessions().logs(id, 0, 0, 1 << 20);
        assertEquals(1, logs.pieces().size());
        assertEquals(StdStream.PTY, logs.pieces().getFirst().stream());
        assertEquals("one\r\ntwo\r\n", new String(logs.pieces().getFirst().data(), StandardCharsets.US_ASCII));
        assertEquals(0, logs.errEnd());
    }
}
