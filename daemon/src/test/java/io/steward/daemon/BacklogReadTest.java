package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.OutputChunk;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a burst's backlog to its end, after the ring and the log writer both fell behind: the
 * last line is always the program's last line, and every byte is either read or counted as dropped.
 */
class BacklogReadTest extends DaemonFixture {
    private static final int RUNS = 50;

    private record Case(String name, long ringBytes, boolean pty, int count) {
        /** What {@code seq 1 count} writes: a terminal turns each newline into CR LF. */
        long bytes() {
            long b = 0;
            for (int digits = 1, from = 1; from <= count; digits++, from *= 10) {
                long upTo = Math.min(count, from * 10L - 1);
                b += (upTo - from + 1) * (digits + (pty ? 2 : 1));
            }
            return b;
        }

        String lastLine() {
            return count + (pty ? "\r\n" : "\n");
        }
    }

    @Test
    void theLastLineOfABurstIsThereInEveryRunWithBothRingSizesPipeAndPty() throws Exception {
        List<Case> cases = List.of(new Case("p64k", 65_536, false, 300_000), new Case("t64k", 65_536, true, 300_000),
                new Case("p1m", 1 << 20, false, 400_000), new Case("t1m", 1 << 20, true, 400_000));
        for (int run = 0; run < RUNS; run++) {
            List<String> ids = new ArrayList<>();
            for (Case c : cases) {
                ids.add(run("name", c.name() + run, "ringBytes", c.ringBytes(), "pty", c.pty(),
                        "argv", List.of("sh", "-c", "seq 1 " + c.count() + "; exec sleep 60")).id());
            }
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String id = ids.get(i);
                poll("all of " + c.name() + " in the ring", () -> written(id) == c.bytes());
                Read r = readAll(id);
                String tail = new String(r.data(), Math.max(0, r.data().length - c.lastLine().length()),
                        Math.min(r.data().length, c.lastLine().length()), StandardCharsets.US_ASCII);
                assertEquals(c.lastLine(), tail, "run " + run + ", " + c.name() + ": the last line");
                assertEquals(c.bytes(), r.data().length + r.dropped(), "run " + run + ", " + c.name()
                        + ": every byte read or counted as dropped");
                client.sessions().kill(id);
                waitExit(id);
                client.sessions().remove(id);
            }
        }
    }

    private long written(String id) {
        SessionInfo s = client.sessions().get(id);
        return s.bufferedBytes() + s.droppedBytes();
    }

    private record Read(byte[] data, long dropped) {}

    /** From offset 0 until the read reaches what the stream held at the first read, as {@code logs} does. */
    private Read readAll(String id) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long dropped = 0;
        long cursor = 0;
        long target = -1;
        while (true) {
            OutputChunk o = client.sessions().output(id, StdStream.STDOUT, cursor, 1 << 20);
            target = target < 0 ? o.end() : target;
            data.writeBytes(o.data());
            dropped += o.dropped();
            assertTrue(o.next() > cursor || o.next() >= target, "a read at " + cursor + " made no progress");
            cursor = o.next();
            if (cursor >= target) {
                return new Read(data.toByteArray(), dropped);
            }
        }
    }
}
