package io.steward.cli;

import io.steward.api.SessionInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code steward top} shows, apart from the screen: the sessions of the last refresh with their
 * processor use since the refresh before, in the chosen order, and which one is selected. The
 * selection follows its session, not its line, when the order or the list changes.
 */
final class TopModel {
    /** One session's processor time at one moment of its life, as the daemon measured both. */
    private record Sample(long pid, long cpuMillis, long ageMillis) {}

    private Map<String, Sample> samples = Map.of();
    private List<TopRow> rows = List.of();
    private TopSort sort = TopSort.CPU;
    private String selectedId;
    private int selectedIndex;

    /** Takes a new list from the daemon; the processor use is the change since the last list that held each session. */
    void update(List<SessionInfo> sessions) {
        Map<String, Sample> next = new HashMap<>();
        List<TopRow> fresh = new ArrayList<>(sessions.size());
        for (SessionInfo s : sessions) {
            Sample now = new Sample(s.pid(), s.treeCpu() == null ? 0 : s.treeCpu().toMillis(), s.age() == null ? 0 : s.age().toMillis());
            next.put(s.id(), now);
            fresh.add(new TopRow(s, s.running() ? cpuPercent(samples.get(s.id()), now) : null));
        }
        samples = next;
        rows = fresh;
        order();
    }

    /**
     * Processor time used between two samples over the time between them, in percent of one core;
     * null without an earlier sample of the same process (a restart starts a new count).
     */
    static Double cpuPercent(Sample before, Sample now) {
        if (before == null || before.pid() != now.pid()) {
            return null;
        }
        long elapsed = now.ageMillis() - before.ageMillis();
        long used = now.cpuMillis() - before.cpuMillis();
        if (elapsed <= 0 || used < 0) {
            return null;
        }
        return 100.0 * used / elapsed;
    }

    /** As {@link #cpuPercent(Sample, Sample)}, from the raw numbers: for tests. */
    static Double cpuPercent(long pidBefore, long cpuBefore, long ageBefore, long pid, long cpu, long age) {
        return cpuPercent(new Sample(pidBefore, cpuBefore, ageBefore), new Sample(pid, cpu, age));
    }

    void sortBy(TopSort s) {
        sort = s;
        order();
    }

    TopSort sort() {
        return sort;
    }

    /** Moves the selection by {@code delta} lines, stopping at either end. */
    void move(int delta) {
        if (rows.isEmpty()) {
            return;
        }
        select(Math.clamp((long) selectedIndex + delta, 0, rows.size() - 1));
    }

    List<TopRow> rows() {
        return rows;
    }

    int selectedIndex() {
        return selectedIndex;
    }

    /** The selected session, or null when there is none. */
    SessionInfo selected() {
        return rows.isEmpty() ? null : rows.get(selectedIndex).session();
    }

    private void order() {
        List<TopRow> sorted = new ArrayList<>(rows);
        sorted.sort(sort.comparator());
        rows = List.copyOf(sorted);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).session().id().equals(selectedId)) {
                select(i);
                return;
            }
        }
        // its session is gone: the line where it was, or the last
        select(rows.isEmpty() ? 0 : Math.min(selectedIndex, rows.size() - 1));
    }

    private void select(int index) {
        selectedIndex = index;
        selectedId = rows.isEmpty() ? null : rows.get(index).session().id();
    }
}
