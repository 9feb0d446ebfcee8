package io.steward.cli;

import io.steward.api.LogsPage.Piece;
import io.steward.api.StdStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one stream of one session into whole lines, however its pieces fall: a line that a piece
 * leaves open waits here for the rest, so lines of other streams or sessions never land inside it.
 */
final class LineSplitter {
    /**
     * A line of a session's stream: its bytes with their newline (none for a last line the stream
     * ended without), where they are in the stream, the bytes lost just before it, and when its first
     * byte arrived (-1 unknown).
     */
    record Line(int source, StdStream stream, long offset, long next, long dropped, byte[] data, long time) {
        boolean complete() {
            return data.length > 0 && data[data.length - 1] == '\n';
        }
    }

    private final int source;
    private final ByteArrayOutputStream open = new ByteArrayOutputStream();
    private StdStream stream;
    private long openOffset;
    private long openDropped;
    private long openTime = -1;

    LineSplitter(int source) {
        this.source = source;
    }

    /** The whole lines {@code p} completes; what it leaves open waits for the next piece. */
    List<Line> take(Piece p) {
        List<Line> lines = new ArrayList<>();
        if (p.dropped() > 0 && open.size() > 0) {
            lines.add(flushed()); // what came before the gap ends there
        }
        stream = p.stream();
        byte[] d = p.data();
        int from = 0;
        long dropped = p.dropped();
        for (int i = 0; i < d.length; i++) {
            if (d[i] != '\n') {
                continue;
            }
            long at = p.cursor() + from;
            if (open.size() > 0) {
                open.write(d, from, i + 1 - from);
                lines.add(new Line(source, stream, openOffset, p.cursor() + i + 1, openDropped, open.toByteArray(), openTime));
                open.reset();
            } else {
                lines.add(new Line(source, stream, at, p.cursor() + i + 1, dropped,
                        java.util.Arrays.copyOfRange(d, from, i + 1), p.timeAt(at)));
            }
            dropped = 0;
            from = i + 1;
        }
        if (from < d.length) {
            if (open.size() == 0) {
                openOffset = p.cursor() + from;
                openDropped = dropped;
                openTime = p.timeAt(openOffset);
            }
            open.write(d, from, d.length - from);
        }
        return lines;
    }

    /** The line left open, as it is (the stream ended, or a gap cut it); null when none is. */
    Line flush() {
        return open.size() > 0 ? flushed() : null;
    }

    private Line flushed() {
        Line l = new Line(source, stream, openOffset, openOffset + open.size(), openDropped, open.toByteArray(), openTime);
        open.reset();
        return l;
    }
}
