package io.steward.daemon.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.daemon.session.Lifecycle.Cause;
import io.steward.api.SessionState;
import io.steward.daemon.session.Lifecycle.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session state machine on its own: every pair of state and cause, taken or refused. */
class LifecycleTest {

    /** A lifecycle over plain strings as processes, recording the steps it hears. */
    private static final class Probe {
        final List<Step> heard = new ArrayList<>();
        final Lifecycle<String> life = new Lifecycle<>("p0", (step, p, told) -> heard.add(step));
        int started;

        boolean take(Cause cause) {
            return cause == Cause.STARTED ? life.started("p" + ++started, Lifecycle.Told.NOTHING)
                    : life.move(cause, Lifecycle.Told.NOTHING);
        }
    }

    @Test
    void everyStateIsReachableAndEveryPairIsTakenOrRefusedByTheTable() {
        Map<SessionState, List<Cause>> paths = shortestPaths();
        assertEquals(SessionState.values().length, paths.size(), "every state is reachable from running: " + paths.keySet());
        int taken = 0;
        int refused = 0;
        for (SessionState from : SessionState.values()) {
            for (Cause cause : Cause.values()) {
                Probe probe = reach(from, paths.get(from));
                int heardBefore = probe.heard.size();
                String processBefore = probe.life.process();
                Step step = Lifecycle.step(from, cause);
                assertEquals(step != null, probe.life.allows(cause), from + " × " + cause);
                boolean moved = probe.take(cause);
                if (step == null) {
                    assertFalse(moved, from + " × " + cause + " must be refused");
                    assertEquals(from, probe.life.state(), "a refused step changes nothing");
                    assertEquals(heardBefore, probe.heard.size(), "a refused step tells nothing");
                    assertSame(processBefore, probe.life.process());
                    refused++;
                } else {
                    assertTrue(moved, from + " × " + cause + " must be taken");
                    assertEquals(step.to(), probe.life.state());
                    assertEquals(step, probe.heard.getLast(), "the listener hears the step taken");
                    taken++;
                }
            }
        }
        assertEquals(Lifecycle.TABLE.size(), taken);
        assertEquals(SessionState.values().length * Cause.values().length - Lifecycle.TABLE.size(), refused);
    }

    @Test
    void endsAreLeftOnlyByTheirReleaseOrAUsersRestartOrStart() {
        for (Step step : Lifecycle.TABLE) {
            if (step.from().ended()) {
                assertTrue(step.cause() == Cause.RELEASE && step.to() == SessionState.RELEASED
                        || (step.cause() == Cause.USER_RESTART || step.cause() == Cause.USER_START)
                        && step.to() == SessionState.STARTING && step.from() != SessionState.RELEASED,
                        "an ended session only leaves by release, or a restart or start unless released: " + step);
            }
        }
        assertTrue(SessionState.EXITED.ended() && SessionState.ERRORED.ended() && SessionState.RELEASED.ended());
        assertFalse(SessionState.RUNNING.ended() || SessionState.STOPPING.ended() || SessionState.RECOVERING.ended()
                || SessionState.RESTARTING.ended() || SessionState.BACKOFF.ended() || SessionState.STARTING.ended());
    }

    @Test
    void aWaiterForTheNextProcessGetsTheSuccessorOfARestart() throws Exception {
        Probe probe = new Probe();
        CompletableFuture<String> next = probe.life.successorOf("p0");
        assertTrue(probe.take(Cause.EXIT_TO_RESTART));
        assertTrue(probe.take(Cause.BACKOFF_OVER));
        assertFalse(next.isDone(), "no successor before the start");
        assertTrue(probe.take(Cause.STARTED));
        assertEquals("p1", next.get(5, TimeUnit.SECONDS));
        assertEquals(1, probe.life.restarts());
        assertEquals("p1", probe.life.successorOf("p0").getNow("none"), "asked late, answered at once");
        assertFalse(probe.life.ended().isDone());
    }

    @Test
    void aWaiterForTheNextProcessGetsNullWhenTheSessionEnds() throws Exception {
        for (List<Cause> path : List.of(List.of(Cause.EXIT), List.of(Cause.GIVE_UP), List.of(Cause.STOP, Cause.EXIT),
                List.of(Cause.EXIT_TO_RESTART, Cause.STOP), List.of(Cause.STALL, Cause.EXIT, Cause.START_FAILED))) {
            Probe probe = new Probe();
            CompletableFuture<String> next = probe.life.successorOf("p0");
            CompletableFuture<SessionState> end = probe.life.ended();
            for (Cause c : path) {
                assertTrue(probe.take(c), path + ": " + c);
            }
            assertNull(next.get(5, TimeUnit.SECONDS), path.toString());
            assertTrue(end.get(5, TimeUnit.SECONDS).ended(), path.toString());
            assertTrue(probe.life.endedNanos() > 0);
            assertNull(probe.life.successorOf("p0").getNow("none"), "asked after the end, answered at once");
        }
    }

    @Test
    void aUserRestartStartsTheNextProcessOnceTheTreeIsGoneAndAStopCancelsIt() throws Exception {
        Probe probe = new Probe();
        CompletableFuture<String> next = probe.life.successorOf("p0");
        assertTrue(probe.take(Cause.USER_RESTART));
        assertEquals(SessionState.RESTARTING, probe.life.state());
        assertFalse(probe.take(Cause.USER_RESTART), "one restart at a time");
        assertTrue(probe.take(Cause.EXIT));
        assertEquals(SessionState.STARTING, probe.life.state());
        assertTrue(probe.take(Cause.STARTED));
        assertEquals("p1", next.get(5, TimeUnit.SECONDS));
        assertEquals("restarted", probe.heard.getLast().event());
        assertEquals(1, probe.life.restarts());

        Probe stopped = new Probe();
        assertTrue(stopped.take(Cause.USER_RESTART));
        assertTrue(stopped.take(Cause.STOP));
        assertEquals("restart-cancelled", stopped.heard.getLast().event());
        assertTrue(stopped.take(Cause.EXIT));
        assertEquals(SessionState.EXITED, stopped.life.state(), "the stop wins: nothing starts again");
    }

    @Test
    void anEndedSessionRestartedLivesAgainAndItsWaitersWaitAnew() throws Exception {
        Probe probe = new Probe();
        assertTrue(probe.take(Cause.EXIT));
        assertEquals(SessionState.EXITED, probe.life.ended().get(5, TimeUnit.SECONDS));
        assertTrue(probe.take(Cause.USER_RESTART));
        assertEquals(SessionState.STARTING, probe.life.state());
        assertEquals(0, probe.life.endedNanos());
        CompletableFuture<SessionState> end = probe.life.ended();
        CompletableFuture<String> next = probe.life.successorOf("p0");
        assertFalse(end.isDone() || next.isDone(), "it has not ended, and its next process is to come");
        assertTrue(probe.take(Cause.STARTED));
        assertEquals("p1", next.get(5, TimeUnit.SECONDS));
        assertTrue(probe.take(Cause.EXIT));
        assertEquals(SessionState.EXITED, end.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aStopDuringAStallRestartWinsOverTheRestart() {
        Probe probe = new Probe();
        assertTrue(probe.take(Cause.STALL));
        assertTrue(probe.take(Cause.STOP));
        assertEquals("recovery-refused", probe.heard.getLast().event());
        assertTrue(probe.take(Cause.EXIT));
        assertEquals(SessionState.EXITED, probe.life.state(), "the recovery's exit does not start it again");
        assertFalse(probe.life.started("late", Lifecycle.Told.NOTHING), "a start that was under way is refused");
        assertEquals("p0", probe.life.process());
    }

    private static Probe reach(SessionState target, List<Cause> path) {
        Probe probe = new Probe();
        for (Cause c : path) {
            assertTrue(probe.take(c), "path to " + target + " takes " + c);
        }
        assertEquals(target, probe.life.state());
        return probe;
    }

    /** The shortest cause sequence from running to each state, found on the table. */
    private static Map<SessionState, List<Cause>> shortestPaths() {
        Map<SessionState, List<Cause>> paths = new EnumMap<>(SessionState.class);
        paths.put(SessionState.RUNNING, List.of());
        ArrayDeque<SessionState> queue = new ArrayDeque<>(List.of(SessionState.RUNNING));
        while (!queue.isEmpty()) {
            SessionState s = queue.poll();
            for (Step step : Lifecycle.TABLE) {
                if (step.from() == s && !paths.containsKey(step.to())) {
                    List<Cause> p = new ArrayList<>(paths.get(s));
                    p.add(step.cause());
                    paths.put(step.to(), p);
                    queue.add(step.to());
                }
            }
        }
        return paths;
    }
}
