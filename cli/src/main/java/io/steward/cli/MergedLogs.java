package io.steward.cli;

import io.steward.cli.LineSplitter.Line;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code logs} line by line, of one session or several: each session is read on its own and cut
 * into whole lines, and the lines of all are shown in the order their first bytes arrived. Under
 * {@code --follow} a line waits until every session has been read past its time, so one session's
 * earlier line is never shown after another's later one for having been read a round later.
 */
final class MergedLogs {
    /** How often --follow asks for more; output that arrives in between waits at most this long. */
    static final long FOLLOW_POLL_MS = 50;

    private final List<LogSource> sources;
    private final LinePrinter printer;
    private final Predicate<Line> wanted;

    MergedLogs(List<LogSource> sources, LinePrinter printer, Predicate<Line> wanted) {
        this.sources = sources;
        this.printer = printer;
        this.wanted = wanted;
    }

    void run(Integer tail, boolean follow) throws InterruptedException {
        for (LogSource s : sources) {
            if (tail != null) {
                s.readTail(tail, wanted, follow);
            } else {
                s.readOn(follow);
            }
        }
        show(Long.MAX_VALUE);
        while (follow && !sources.stream().allMatch(LogSource::ended)) {
            // Everything that arrived before this moment is read by the end of this round.
            long before = System.currentTimeMillis();
            boolean moved = false;
            for (LogSource s : sources) {
                moved |= s.readOn(true);
            }
            show(sources.stream().allMatch(LogSource::ended) ? Long.MAX_VALUE : before);
            if (!moved) {
                Thread.sleep(FOLLOW_POLL_MS);
            }
        }
    }

    /**
     * Shows the lines read that arrived before {@code before}, oldest first across the sessions and
     * in arrival order within each; a line of unknown time goes when its session's turn comes.
     */
    private void show(long before) {
        while (true) {
            LogSource next = null;
            long nextTime = Long.MAX_VALUE;
            for (LogSource s : sources) {
                Line head = s.ready.peekFirst();
                if (head == null) {
                    continue;
                }
                long t = head.time() < 0 ? Long.MIN_VALUE : head.time();
                if (next == null || t < nextTime) {
                    next = s;
                    nextTime = t;
                }
            }
            if (next == null || nextTime >= before && nextTime != Long.MIN_VALUE) {
                return;
            }
            Line l = next.ready.pollFirst();
            if (wanted.test(l)) {
                printer.print(l, next.ended() && next.ready.isEmpty());
            }
        }
    }
}
