package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code steward top}'s model without a screen: processor use between refreshes, the orders, the selection. */
class TopModelTest {
    /** A running session (or an exited one) with the numbers the model reads. */
    static SessionInfo session(String id, String name, long pid, long cpuMs, long ageMs, long rss, int restarts,
            boolean running) {
        return new SessionInfo(id, name, null, SessionInfo.Kind.PIPE, List.of("sleep", "1"), pid,
                running ? SessionState.RUNNING : SessionState.EXITED,
                running ? SessionInfo.Phase.RUNNING : SessionInfo.Phase.EXITED, false, false, running ? null : 0, null, null,
                null, Duration.ofMillis(ageMs), Duration.ZERO, 0, 0, false, false, false, 0, null, null,
                Duration.ofMillis(cpuMs), rss, running ? rss : 0,
                Duration.ofMillis(cpuMs), running ? rss : 0, running ? 1 : 0, restarts, null, "HUP",
                new SessionInfo.Heartbeat(null, null, null, null, null, false, 0, null, null, null, null), null);
    }

    private static List<String> names(TopModel m) {
        return m.rows().stream().map(TopRow::displayName).toList();
    }

    @Test
    void cpuIsTheProcessorTimeUsedOverTheTimeBetweenTwoSamples() {
        assertEquals(50.0, TopModel.cpuPercent(7, 1000, 10_000, 7, 1500, 11_000));
        assertEquals(200.0, TopModel.cpuPercent(7, 0, 0, 7, 2000, 1000), "two cores busy");
        assertNull(TopModel.cpuPercent(7, 1000, 10_000, 8, 1010, 11_000), "a restarted process starts a new count");
        assertNull(TopModel.cpuPercent(7, 1000, 10_000, 7, 1000, 10_000), "no time passed");
    }

    @Test
    void theFirstRefreshHasNoCpuAndTheNextHasTheDelta() {
        TopModel m = new TopModel();
        m.update(List.of(session("a1", "web", 10, 100, 1000, 0, 0, true)));
        assertNull(m.rows().getFirst().cpuPercent());
        m.update(List.of(session("a1", "web", 10, 350, 2000, 0, 0, true), session("b2", "new", 11, 5, 100, 0, 0, true)));
        assertEquals(25.0, m.rows().stream().filter(r -> r.session().id().equals("a1")).findFirst().orElseThrow().cpuPercent());
        assertNull(m.rows().stream().filter(r -> r.session().id().equals("b2")).findFirst().orElseThrow().cpuPercent(),
                "a session seen once has no rate yet");
    }

    @Test
    void anExitedSessionShowsNoCpu() {
        TopModel m = new TopModel();
        m.update(List.of(session("a1", "web", 10, 100, 1000, 0, 0, true)));
        m.update(List.of(session("a1", "web", 10, 300, 2000, 0, 0, false)));
        assertNull(m.rows().getFirst().cpuPercent());
    }

    @Test
    void eachOrderPutsTheBusiestFirstAndNamesInOrder() {
        TopModel m = new TopModel();
        List<SessionInfo> first = List.of(session("a", "alpha", 1, 0, 0, 300, 0, true),
                session("b", "beta", 2, 0, 0, 100, 5, true), session("c", "gamma", 3, 0, 0, 200, 1, true));
        m.update(first);
        m.update(List.of(session("a", "alpha", 1, 100, 1000, 300, 0, true),
                session("b", "beta", 2, 900, 1000, 100, 5, true), session("c", "gamma", 3, 500, 1000, 200, 1, true)));
        assertEquals(TopSort.CPU, m.sort(), "cpu is the first order");
        assertEquals(List.of("beta", "gamma", "alpha"), names(m));
        m.sortBy(TopSort.MEMORY);
        assertEquals(List.of("alpha", "gamma", "beta"), names(m));
        m.sortBy(TopSort.RESTARTS);
        assertEquals(List.of("beta", "gamma", "alpha"), names(m));
        m.sortBy(TopSort.NAME);
        assertEquals(List.of("alpha", "beta", "gamma"), names(m));
    }

    @Test
    void tiesGoByNameSoRowsStayPut() {
        TopModel m = new TopModel();
        m.update(List.of(session("z", "zed", 1, 0, 0, 0, 0, true), session("y", "abe", 2, 0, 0, 0, 0, true),
                session("x", null, 3, 0, 0, 0, 0, true)));
        m.sortBy(TopSort.RESTARTS);
        assertEquals(List.of("abe", "x", "zed"), names(m), "a session without a name goes by its short id");
    }

    @Test
    void sortsCycleBothWays() {
        assertEquals(TopSort.MEMORY, TopSort.CPU.cycle(1));
        assertEquals(TopSort.NAME, TopSort.CPU.cycle(-1));
        assertEquals(TopSort.CPU, TopSort.NAME.cycle(1));
    }

    @Test
    void theSelectionFollowsItsSessionAndStopsAtTheEnds() {
        TopModel m = new TopModel();
        m.sortBy(TopSort.NAME);
        m.update(List.of(session("a", "alpha", 1, 0, 0, 1, 0, true), session("b", "beta", 2, 0, 0, 2, 0, true),
                session("c", "gamma", 3, 0, 0, 3, 0, true)));
        assertEquals("alpha", m.selected().name());
        m.move(-5);
        assertEquals("alpha", m.selected().name());
        m.move(1);
        assertEquals("beta", m.selected().name());
        m.sortBy(TopSort.MEMORY);
        assertEquals("beta", m.selected().name(), "another order, the same session");
        assertEquals(1, m.selectedIndex());
        m.move(10);
        assertEquals("alpha", m.selected().name());

        m.update(List.of(session("b", "beta", 2, 0, 0, 2, 0, true), session("c", "gamma", 3, 0, 0, 3, 0, true)));
        assertEquals("beta", m.selected().name(), "its session gone, the selection stays on the last line");
        m.update(List.of());
        assertNull(m.selected());
        m.move(1);
        assertNull(m.selected());
    }
}
