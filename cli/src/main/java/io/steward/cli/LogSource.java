package io.steward.cli;

import io.steward.api.LogsPage.Piece;
import io.steward.api.StdStream;
import io.steward.cli.LineSplitter.Line;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One session as {@code logs} reads it line by line: its reader and cursors, what it held when the
 * command started, the lines read and not yet shown, and the lines its streams leave open.
 */
final class LogSource {
    /** The first look back for --tail; each try looks 8 times further, up to everything kept. */
    static final long TAIL_WINDOW = 64 * 1024;
    static final int CHUNK = 1 << 20;

    final int index;
    final String id;
    /** What its lines are prefixed with: its name, else its short id. */
    final String label;
    private final LogReader reader;
    private LineSplitter[] splitters;
    private long[] cursors;
    private long[] target;
    private boolean ended;
    /** Lines read, in arrival order, not yet shown. */
    final ArrayDeque<Line> ready = new ArrayDeque<>();

    LogSource(int index, String id, String label, LogReader reader, long[] cursors) {
        this.index = index;
        this.id = id;
        this.label = label;
        this.reader = reader;
        this.cursors = cursors;
        this.splitters = splitters();
    }

    private LineSplitter[] splitters() {
        return new LineSplitter[] {new LineSplitter(index), new LineSplitter(index)};
    }

    /** True once its streams ended and everything was read (and, with {@code flushed}, handed on). */
    boolean ended() {
        return ended;
    }

    /**
     * Reads what the session holds now, up to what it held at the first read unless {@code follow};
     * its whole lines join {@link #ready}.
     *
     * @return whether anything was read
     */
    boolean readOn(boolean follow) {
        boolean movedAtAll = false;
        while (!ended) {
            LogReader.Batch b = reader.read(cursors, CHUNK);
            if (target == null) {
                target = b.end();
            }
            boolean moved = b.next()[0] != cursors[0] || b.next()[1] != cursors[1];
            take(b.pieces());
            cursors = b.next();
            movedAtAll |= moved;
            if (b.eof() || !follow && (b.reached(target) || !moved)) {
                ended = true;
                flushOpen();
            } else if (!moved || b.reached(b.end())) {
                break;
            }
        }
        return movedAtAll;
    }

    /**
     * Reads the last {@code n} lines that {@code wanted} lets through of what the session holds now:
     * it looks back a window from the end, and further while that holds too few and more is kept.
     * A first line the window cuts into is left out.
     */
    void readTail(int n, Predicate<Line> wanted, boolean follow) {
        long[] floor = cursors;
        LogReader.Batch first = reader.read(floor, 0);
        target = first.end();
        long window = TAIL_WINDOW;
        while (true) {
            long[] from = {Math.max(floor[0], target[0] - window), Math.max(floor[1], target[1] - window)};
            LogReader.Batch b = reader.readTo(from, target, CHUNK);
            boolean everything = from[0] == floor[0] && from[1] == floor[1] || window >= Long.MAX_VALUE / 8;
            splitters = splitters();
            List<Line> lines = new ArrayList<>();
            for (Piece p : b.pieces()) {
                for (Line l : splitter(p.stream()).take(p)) {
                    int s = l.stream() == StdStream.STDERR ? 1 : 0;
                    if (l.offset() == from[s] && from[s] > floor[s]) {
                        continue; // cut by the window: its start lies before it
                    }
                    if (wanted.test(l)) {
                        lines.add(l);
                    }
                }
            }
            if (!follow || b.eof()) {
                for (LineSplitter sp : splitters) {
                    Line l = sp.flush();
                    if (l != null && wanted.test(l)) {
                        lines.add(l);
                    }
                }
            }
            if (lines.size() >= n || everything) {
                ready.addAll(lines.subList(Math.max(0, lines.size() - n), lines.size()));
                cursors = b.next();
                ended = b.eof() || !follow;
                return;
            }
            window *= 8;
        }
    }

    private void take(List<Piece> pieces) {
        for (Piece p : pieces) {
            ready.addAll(splitter(p.stream()).take(p));
        }
    }

    private void flushOpen() {
        for (LineSplitter sp : splitters) {
            Line l = sp.flush();
            if (l != null) {
                ready.add(l);
            }
        }
    }

    private LineSplitter splitter(StdStream s) {
        return splitters[s == StdStream.STDERR ? 1 : 0];
    }
}
