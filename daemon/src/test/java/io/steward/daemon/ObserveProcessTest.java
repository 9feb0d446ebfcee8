package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Event;
import io.steward.api.ObservedEvent;
import io.steward.api.ProcessTreeInfo;
import io.steward.client.EventQuery;
import io.steward.core.ProcStat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --observe process}: every fork, exec and exit of the tree in the stream; the tree and its escapees. */
class ObserveProcessTest extends DaemonFixture {
    private static final String SCRIPT =
            "for i in $(seq 100); do /bin/true; done; (setsid sleep 30 &); exec sleep 30";

    private List<Event> processEvents(String id) {
        List<Event> out = new ArrayList<>();
        long last = client.daemon().health().lastEventSeq();
        client.sessions().events(id, new EventQuery(0, last, List.of("process")), out::add);
        return out;
    }

    @Test
    void aHundredExecsAndTheSetsidEscapeeAreSeenListedAndKilled() throws Exception {
        String id = run("argv", List.of("sh", "-c", SCRIPT), "observe", List.of("process")).id();
        // /bin/true lives a few hundred microseconds: its name is read while it still can be.
        poll("100 execs of true", () -> processEvents(id).stream().filter(e -> e instanceof ObservedEvent.Exec x
                && (x.comm() == null || x.comm().equals("true"))).count() >= 100);
        poll("the setsid sleep", () -> tree(id).processes().size() == 2);
        ProcessTreeInfo tree = tree(id);
        long root = client.sessions().get(id).pid();
        assertEquals(root, tree.processes().getFirst().pid());
        ProcessTreeInfo.Node escapee = tree.processes().get(1);
        assertEquals(List.of("sleep", "30"), escapee.argv());
        assertTrue(escapee.escaped(), "it left the root's session");
        assertEquals(1, escapee.depth());
        long start = ProcStat.read((int) escapee.pid()).orElseThrow().startTicks();

        List<Event> events = processEvents(id);
        assertTrue(events.stream().allMatch(e -> e.category().equals("process")), events.toString());
        assertTrue(events.stream().filter(e -> e instanceof ObservedEvent.Forked).count() >= 101);
        assertTrue(events.stream().anyMatch(e -> e instanceof ObservedEvent.ProcessExited x && x.exitCode() != null
                && x.exitCode() == 0));

        client.sessions().stop(id, Duration.ofSeconds(2), true);
        poll("the escapee gone", () -> !ProcStat.isAlive((int) escapee.pid(), start));
    }

    @Test
    void aSessionWithoutObserveTellsNothingOfItsProcesses() throws Exception {
        String id = run("argv", List.of("sh", "-c", "/bin/true; /bin/true; exit 3")).id();
        waitExit(id);
        assertEquals(List.of(), processEvents(id));
        assertTrue(client.daemon().health().lastEventSeq() >= 2, "its started and ended are in the stream");
    }

    private ProcessTreeInfo tree(String id) {
        return client.sessions().tree(id);
    }
}
