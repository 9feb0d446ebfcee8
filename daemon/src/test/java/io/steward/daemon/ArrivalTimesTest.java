package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Arrival;
import io.steward.api.LogsPage;
import io.steward.api.OutputChunk;
import io.steward.api.StdStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The logs pages say when their bytes arrived: from the ring's index, and from the log files' times once the ring moved on. */
class ArrivalTimesTest extends DaemonFixture {
    @Test
    void eachPieceCarriesWhenItsFirstByteArrived() throws Exception {
        Path go = home.resolve("go");
        long t0 = System.currentTimeMillis();
        String id = run("argv", List.of("sh", "-c", "echo one; while [ ! -e " + go + " ]; do sleep 0.005; done; echo two >&2"))
                .id();
        poll("one", () -> output(id, StdStream.STDOUT, 0).length == 4);
        long one = client.sessions().output(id, StdStream.STDOUT, 0, 100).times().getFirst().epochMillis();
        poll("the clock past the first line", () -> System.currentTimeMillis() > one);
        Files.createFile(go);
        waitExit(id);
        // What is still in a pipe when the program exits arrives, and is timed, when the daemon reads it.
        poll("both streams read to their end", () -> client.sessions().logs(id, 4, 4, 0).eof());
        long t1 = System.currentTimeMillis();
        LogsPage page = client.sessions().logs(id, 0, 0, 1 << 20);
        assertEquals(2, page.pieces().size());
        for (LogsPage.Piece p : page.pieces()) {
            assertEquals(p.cursor(), p.times().getFirst().offset(), "the first byte's time: " + p);
            long t = p.timeAt(p.cursor());
            assertTrue(t >= t0 && t <= t1, t + " within " + t0 + ".." + t1);
        }
        assertTrue(page.pieces().get(1).timeAt(0) > page.pieces().get(0).timeAt(0), "stderr's line came later");
        OutputChunk mid = client.sessions().output(id, StdStream.STDOUT, 2, 100);
        assertEquals(List.of(new Arrival(2, one)), mid.times(), "a read from inside a stretch takes its time");
    }

    @Test
    void logTimestampsAnswerForWhatOnlyTheFilesHold() throws Exception {
        String script = "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); echo \"line $i, more than a small ring holds\"; done";
        String timed = run("name", "timed", "ringBytes", 4096L, "overflow", "backpressure", "logTimestamps", true,
                "argv", List.of("sh", "-c", script)).id();
        String plain = run("name", "plain", "ringBytes", 4096L, "overflow", "backpressure",
                "argv", List.of("sh", "-c", script)).id();
        waitExit(timed);
        waitExit(plain);
        OutputChunk fromFile = client.sessions().output(timed, StdStream.STDOUT, 0, 1000);
        assertEquals(0, fromFile.dropped());
        assertEquals(0, fromFile.times().getFirst().offset(), "the log's times answer for byte 0");
        assertTrue(fromFile.times().stream().allMatch(a -> a.offset() < 1000), fromFile.times().toString());
        assertTrue(client.sessions().output(plain, StdStream.STDOUT, 0, 1000).times().isEmpty(),
                "without log timestamps, what the ring no longer holds has no time");
        Path times = home.resolve("logs").resolve("timed.out.log.times");
        assertTrue(Files.size(times) > 0 && Files.size(times) % 16 == 0, times + ": " + Files.size(times));
        assertFalse(Files.exists(home.resolve("logs").resolve("plain.out.log.times")));
        client.sessions().remove(timed);
        assertFalse(Files.exists(times), "the times go with the log");
    }
}
