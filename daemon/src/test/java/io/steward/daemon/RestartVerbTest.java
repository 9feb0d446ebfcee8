package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user's restart: the whole tree stops first, then the same spec runs on under the same id, name and rings. */
class RestartVerbTest extends DaemonFixture {

    @Test
    void aRestartStopsTheWholeTreeAndRunsOnInTheSameSession() throws Exception {
        Path children = home.resolve("children");
        SessionInfo first = run("name", "web", "argv", List.of("sh", "-c",
                "echo run; setsid sleep 300 & echo $! >> " + children + "; wait"));
        String id = first.id();
        poll("the first run's output and escaped child", () -> text(id).equals("run\n") && lines(children).size() == 1);
        long escaped = Long.parseLong(lines(children).getFirst());

        SessionInfo answer = client.sessions().restart("web", Duration.ofSeconds(2));
        assertEquals(id, answer.id());
        assertTrue(answer.state() == SessionState.RESTARTING || answer.state() == SessionState.STARTING
                || answer.state() == SessionState.RUNNING, "answered while it restarts: " + answer.state());

        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertFalse(running(escaped), "the old tree, escapee too, was gone before the next start");
        assertEquals("user", restarted.reason());
        assertEquals(1, restarted.restarts());
        assertEquals(first.pid(), restarted.previousPid());

        poll("the second run's output after the first's", () -> text(id).equals("run\nrun\n"));
        SessionInfo after = client.sessions().get("web");
        assertEquals(id, after.id());
        assertEquals("web", after.name());
        assertEquals(SessionState.RUNNING, after.state());
        assertEquals(1, after.restarts());
        assertEquals(restarted.pid(), after.pid());
        assertEquals(List.of("web"), names(false), "one session, not a second one under the name");
        client.sessions().kill(id);
    }

    /** A tree is found by its originator tag too, so each run has its own: the end of one can never reach the next. */
    @Test
    void eachRunHasAnOriginatorTagOfItsOwn() throws Exception {
        String id = run("argv", List.of("sh", "-c", "echo \"$STEWARD_ORIGINATOR\"; exec sleep 30")).id();
        poll("the first run's tag", () -> text(id).lines().count() == 1);
        client.sessions().restart(id, Duration.ofSeconds(2));
        poll("the second run's tag", () -> text(id).lines().count() == 2);
        List<String> tags = text(id).lines().toList();
        assertTrue(tags.getFirst().startsWith("steward-"), tags.toString());
        assertEquals(tags.getFirst() + ".1", tags.get(1), "the second run's tag is the first's, numbered");
        client.sessions().kill(id);
    }

    @Test
    void aStopDuringTheRestartWinsAndAnEndedSessionStartsAgain() throws Exception {
        // ignores TERM, so the restart's stop lasts its whole grace
        String id = run("name", "stubborn", "argv", List.of("sh", "-c",
                "trap '' TERM; echo up; while :; do sleep 0.05; done")).id();
        poll("it runs", () -> text(id).equals("up\n"));
        assertEquals(SessionState.RESTARTING, client.sessions().restart(id, Duration.ofSeconds(30)).state());
        StewardException twice = assertThrows(StewardException.class, () -> client.sessions().restart(id));
        assertEquals(ErrorCode.CONFLICT, twice.code());
        assertEquals("session " + id + " is restarting, not running or ended", twice.getMessage());

        client.sessions().kill(id);
        event(SessionEvent.RestartCancelled.class, id);
        SessionInfo ended = waitExit(id);
        assertEquals(SessionState.EXITED, ended.state());
        assertEquals(0, ended.restarts(), "the stop came first: nothing started again");

        client.sessions().restart("stubborn");
        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertEquals("user", restarted.reason());
        poll("the ended session's output goes on", () -> text(id).equals("up\nup\n"));
        SessionInfo again = client.sessions().get(id);
        assertEquals(SessionState.RUNNING, again.state());
        assertEquals(1, again.restarts());
        assertEquals("KILL", again.lastExit().signal(), "the run before the restart was killed");
        assertTrue(client.sessions().await(id, Duration.ofMillis(300)).timedOut(), "it lives again: a wait waits");
        client.sessions().kill(id);
        assertFalse(waitExit(id).timedOut());
    }

    @Test
    void anErroredSessionRestartedGetsItsRestartsAgain() throws Exception {
        String id = run("argv", List.of("sh", "-c", "echo run; exit 3"), "restart", "on-failure",
                "maxRestarts", 1L, "restartWindowMs", 600_000L).id();
        event(SessionEvent.Errored.class, id);
        assertEquals("run\nrun\n", text(id), "one policy restart, then it gave up");

        assertEquals(id, client.sessions().restart(id).id());
        poll("a user restart, a policy restart again, and the end", () -> text(id).equals("run\nrun\nrun\nrun\n")
                && client.sessions().get(id).state() == SessionState.ERRORED);
        SessionInfo s = client.sessions().get(id);
        assertEquals(3, s.restarts());
        assertEquals(List.of("policy", "user", "policy"), reasons(id));
    }

    private List<String> reasons(String id) throws InterruptedException {
        List<String> out = new java.util.ArrayList<>();
        try (io.steward.daemon.session.Events.Subscription sub = daemon.events().subscribe(0)) {
            io.steward.daemon.session.Events.Published e;
            while ((e = sub.next(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                if (e.event() instanceof SessionEvent.Restarted r && id.equals(r.session())) {
                    out.add(r.reason());
                }
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Whether {@code pid} still runs: a killed escapee may stay a zombie for a moment, until whoever
     * it was reparented to reaps it, and a zombie runs nothing.
     */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
