package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user's start: an ended session runs again from its spec in the same session; a live one is left alone. */
class StartVerbTest extends DaemonFixture {

    @Test
    void anExitedSessionStartsAgainUnderItsIdNameAndOffsets() throws Exception {
        SessionInfo first = run("name", "job", "argv", List.of("sh", "-c", "echo run"));
        String id = first.id();
        assertEquals(SessionState.EXITED, waitExit(id).state());
        long end = client.sessions().output(id, null, 0, 1024).next();
        assertEquals(4, end, "the first run's output: run\\n");

        SessionInfo answer = client.sessions().start("job");
        assertEquals(id, answer.id());
        assertEquals(SessionState.STARTING, answer.state(), "answered as the start left it");

        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertEquals("user-start", restarted.reason());
        assertEquals(1, restarted.restarts());
        assertEquals(first.pid(), restarted.previousPid());
        poll("the second run's output after the first's", () -> text(id).equals("run\nrun\n"));
        assertEquals("run\n", new String(output(id, null, end), StandardCharsets.ISO_8859_1),
                "the second run wrote on from the first's end");

        SessionInfo after = waitExit(id);
        assertEquals(id, after.id());
        assertEquals("job", after.name());
        assertEquals(1, after.restarts());
        assertEquals(restarted.pid(), after.pid());
        assertEquals(List.of("job"), names(true), "one session, not a second one under the name");
    }

    @Test
    void aRunningSessionIsLeftAloneAndAStoppedOneStartsAgain() throws Exception {
        SessionInfo s = run("name", "web", "argv", List.of("sh", "-c", "echo up; exec sleep 60"));
        poll("it runs", () -> text(s.id()).equals("up\n"));

        SessionInfo same = client.sessions().start("web");
        assertEquals(SessionState.RUNNING, same.state());
        assertEquals(s.pid(), same.pid());
        assertEquals(0, same.restarts());

        client.sessions().stop("web", Duration.ofSeconds(5), true);
        client.sessions().start("web");
        poll("the stopped session's output goes on", () -> text(s.id()).equals("up\nup\n"));
        SessionInfo again = client.sessions().get("web");
        assertEquals(SessionState.RUNNING, again.state());
        assertEquals(1, again.restarts());
        assertEquals("TERM", again.lastExit().signal(), "the run before was stopped");
        assertTrue(client.sessions().await("web", Duration.ofMillis(300)).timedOut(), "it lives again: a wait waits");
        client.sessions().kill("web");
        waitExit("web");
    }

    @Test
    void anErroredSessionStartsWithItsRestartsAgain() throws Exception {
        String id = run("argv", List.of("sh", "-c", "echo run; exit 3"), "restart", "on-failure",
                "maxRestarts", 1L, "restartWindowMs", 600_000L).id();
        event(SessionEvent.Errored.class, id);

        client.sessions().start(id);
        poll("a user start, a policy restart again, and the end", () -> text(id).equals("run\nrun\nrun\nrun\n")
                && client.sessions().get(id).state() == SessionState.ERRORED);
        assertEquals(3, client.sessions().get(id).restarts());
    }

    @Test
    void aStoppingSessionIsAConflictAndAnUnknownOneIsNotFound() throws Exception {
        // ignores TERM, so its stop lasts the whole grace
        String id = run("argv", List.of("sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.05; done")).id();
        poll("it runs", () -> text(id).equals("up\n"));
        client.sessions().stop(id, Duration.ofSeconds(30), false);
        StewardException stopping = assertThrows(StewardException.class, () -> client.sessions().start(id));
        assertEquals(ErrorCode.CONFLICT, stopping.code());
        assertEquals("session " + id + " is stopping; start it once it has ended", stopping.getMessage());
        assertEquals(0, client.sessions().get(id).restarts(), "nothing changed");
        client.sessions().kill(id);
        waitExit(id);

        StewardException unknown = assertThrows(StewardException.class, () -> client.sessions().start("nosuch"));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
    }
}
