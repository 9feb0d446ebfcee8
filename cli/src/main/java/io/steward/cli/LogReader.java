package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.LogsPage;
import io.steward.api.LogsPage.Piece;
import io.steward.api.OutputChunk;
import io.steward.api.StdStream;
import io.steward.client.Sessions;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code logs} reads: one stream, or both interleaved in arrival order, from a pair of cursors
 * (the second unused for one stream). Every read says what the streams held when it was made, so a
 * reader knows when it has everything without trusting a short read.
 */
abstract sealed class LogReader {
    /** One read: its pieces, the cursors to pass next, what the streams held, and whether they ended. */
    record Batch(List<Piece> pieces, long[] next, long[] end, boolean eof) {
        boolean reached(long[] target) {
            return next[0] >= target[0] && next[1] >= target[1];
        }
    }

    final Sessions sessions;
    final String ref;

    private LogReader(Sessions sessions, String ref) {
        this.sessions = sessions;
        this.ref = ref;
    }

    abstract Batch read(long[] cursors, int max);

    /** {@code stream} is {@code stdout}, {@code stderr}, or null for both. */
    static LogReader of(Sessions sessions, String ref, String stream) {
        return stream != null ? new OneStream(sessions, ref, Json.Wire.of("--stream", stream, StdStream.values()))
                : new BothStreams(sessions, ref);
    }

    /** Everything from {@code from} up to at least {@code target}, read in slices of {@code max}. */
    Batch readTo(long[] from, long[] target, int max) {
        long[] cursors = from.clone();
        List<Piece> pieces = new ArrayList<>();
        Batch b;
        do {
            b = read(cursors, max);
            pieces.addAll(b.pieces());
            if (b.next()[0] == cursors[0] && b.next()[1] == cursors[1]) {
                break; // nothing more to be had (the stream holds less than it said)
            }
            cursors = b.next();
        } while (!b.reached(target));
        return new Batch(pieces, b.next(), b.end(), b.eof());
    }

    private static final class OneStream extends LogReader {
        private final StdStream stream;

        OneStream(Sessions sessions, String ref, StdStream stream) {
            super(sessions, ref);
            this.stream = stream;
        }

        @Override
        Batch read(long[] cursors, int max) {
            OutputChunk o = sessions.output(ref, stream, cursors[0], max);
            List<Piece> pieces = o.data().length > 0 || o.dropped() > 0 ? List.of(o.piece()) : List.of();
            return new Batch(pieces, new long[] {o.next(), 0}, new long[] {o.end(), 0}, o.eof());
        }
    }

    private static final class BothStreams extends LogReader {
        BothStreams(Sessions sessions, String ref) {
            super(sessions, ref);
        }

        @Override
        Batch read(long[] cursors, int max) {
            LogsPage l = sessions.logs(ref, cursors[0], cursors[1], max);
            return new Batch(l.pieces(), new long[] {l.outNext(), l.errNext()}, new long[] {l.outEnd(), l.errEnd()},
                    l.eof());
        }
    }
}
