package io.steward.daemon.http;

import io.steward.api.Arrival;
import io.steward.api.ErrorCode;
import io.steward.api.LogsPage;
import io.steward.api.OutputChunk;
import io.steward.api.StdStream;
import io.steward.api.StewardException;
import io.steward.core.ArrivalOrder;
import io.steward.core.ManagedProcess;
import io.steward.core.Ring;
import io.steward.daemon.session.AuditLog;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's output as clients read it: from its rings by cursor, never consumed, and from its
 * log files once a ring has moved past the cursor; and the emptying of those files.
 */
final class SessionOutput {
    static final int MAX_READ_BYTES = 1024 * 1024;

    private final SessionRegistry registry;
    private final AuditLog audit;

    SessionOutput(SessionRegistry registry, AuditLog audit) {
        this.registry = registry;
        this.audit = audit;
    }

    /**
     * Output from a cursor, without consuming it. {@code end} is what the stream holds so far: a read
     * can stop short of it (where the log files have a gap the ring no longer covers), so a reader that
     * wants everything reads on until {@code next} reaches it.
     */
    OutputChunk output(Session s, String streamName, long cursor, int max) {
        StdStream stream = switch (streamName) {
            case null -> first(s.process());
            case "stdout" -> StdStream.STDOUT;
            case "pty" -> StdStream.PTY;
            case "stderr" -> StdStream.STDERR;
            default -> throw new StewardException(ErrorCode.INVALID_INPUT, "stream must be stdout or stderr");
        };
        Ring ring = stream == StdStream.STDERR ? s.process().stderr().orElseThrow(() -> new StewardException(
                ErrorCode.INVALID_INPUT, "session " + s.id() + " has no separate stderr ("
                        + (s.process().isPty() ? "a terminal" : "merged") + ")")) : s.process().stdout();
        if (cursor < 0) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "cursor must be 0 or more");
        }
        // Ended before closed before end: each look is final once true, so eof never hides a byte or a restart.
        boolean ended = s.ended();
        boolean closed = ended && ring.closed();
        long end = ring.end();
        Ring.Chunk c = read(s, stream, ring, cursor, Math.max(0, Math.min(max, MAX_READ_BYTES)));
        return new OutputChunk(stream, c.offset(), c.next(), c.skipped(), Math.max(end, c.next()),
                closed && c.next() >= end, c.data(), times(s, stream, ring, c));
    }

    /** A process's first stream: its terminal, or its stdout. */
    static StdStream first(ManagedProcess p) {
        return p.isPty() ? StdStream.PTY : StdStream.STDOUT;
    }

    /**
     * Both streams from their cursors, interleaved in the order they arrived (see {@link ArrivalOrder}),
     * as a list of pieces each of one stream; {@code next} holds both cursors to pass again. A session
     * without a separate stderr has one stream.
     */
    LogsPage interleaved(Session s, long outCursor, long errCursor, int max) {
        if (outCursor < 0 || errCursor < 0) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "stdout and stderr cursors must be 0 or more");
        }
        Ring out = s.process().stdout();
        Ring err = s.process().stderr().orElse(null);
        ArrivalOrder order = s.process().arrivalOrder().orElse(null);
        StdStream[] streams = {first(s.process()), StdStream.STDERR};
        long[] cursor = {outCursor, err != null ? errCursor : 0};
        // Ended before closed before end: a session seen ended starts no other process, and a ring
        // seen closed then has its final end, so eof below never hides bytes written between the looks.
        boolean ended = s.ended();
        boolean[] closed = {ended && out.closed(), ended && (err == null || err.closed())};
        long[] end = {out.end(), err != null ? err.end() : 0};
        int budget = Math.max(0, Math.min(max, MAX_READ_BYTES));
        List<LogsPage.Piece> pieces = new ArrayList<>();
        while (budget > 0) {
            ArrivalOrder.Stretch next = order != null ? order.next(cursor[0], cursor[1]) : null;
            int i;
            long until;
            if (next != null) {
                i = next.stream();
                until = Math.min(next.until(), end[i]);
            } else {
                i = cursor[0] < end[0] ? 0 : 1;
                until = end[i];
            }
            if (cursor[i] >= until) {
                break; // the marks run ahead of the snapshot of the ends: caught up
            }
            Ring ring = i == 0 ? out : err;
            Ring.Chunk c = read(s, streams[i], ring, cursor[i], (int) Math.min(budget, until - cursor[i]));
            if (c.next() <= cursor[i]) {
                break;
            }
            pieces.add(new LogsPage.Piece(streams[i], c.offset(), c.next(), c.skipped(), c.data(),
                    times(s, streams[i], ring, c)));
            cursor[i] = c.next();
            budget -= c.data().length;
        }
        boolean eof = closed[0] && closed[1] && cursor[0] >= end[0] && cursor[1] >= end[1];
        return new LogsPage(pieces, new LogsPage.Cursors(streams[0], cursor[0], err != null ? cursor[1] : null),
                new LogsPage.Cursors(streams[0], Math.max(end[0], cursor[0]),
                        err != null ? Math.max(end[1], cursor[1]) : null), eof);
    }

    /** Up to {@code limit} bytes of one stream from {@code cursor}: the ring, or the log files where the ring moved on. */
    private static Ring.Chunk read(Session s, StdStream stream, Ring ring, long cursor, int limit) {
        Ring.Chunk c = ring.read(cursor, limit);
        if (c.skipped() > 0 && s.log() != null) {
            // The ring has moved past the cursor: what it dropped may still be in the log files.
            Ring.Chunk fromFile = s.log().file(stream.wire()).read(cursor, (int) Math.min(limit, ring.start() - cursor));
            if (fromFile != null && fromFile.offset() < c.offset()) {
                c = joined(fromFile, ring, limit);
            }
        }
        return c;
    }

    /**
     * When the chunk's bytes arrived: by the ring's index, and where that no longer reaches back to
     * the chunk's start, by the times kept beside the log files (a session run with log timestamps).
     */
    private static List<Arrival> times(Session s, StdStream stream, Ring ring, Ring.Chunk c) {
        if (c.data().length == 0) {
            return List.of();
        }
        List<Arrival> fromRing = ring.arrivals(c.offset(), c.next());
        long ringFrom = fromRing.isEmpty() ? c.next() : fromRing.getFirst().offset();
        if (ringFrom == c.offset() || s.log() == null) {
            return fromRing;
        }
        List<Arrival> fromFile = s.log().file(stream.wire()).times(c.offset(), ringFrom);
        if (fromFile.isEmpty()) {
            return fromRing;
        }
        List<Arrival> both = new ArrayList<>(fromFile);
        both.addAll(fromRing);
        return both;
    }

    /** The file's chunk, topped up from the ring where the ring goes on from its end; it stops short at a gap. */
    private static Ring.Chunk joined(Ring.Chunk fromFile, Ring ring, int limit) {
        int room = limit - fromFile.data().length;
        if (room <= 0) {
            return fromFile;
        }
        Ring.Chunk more = ring.read(fromFile.next(), room);
        if (more.skipped() > 0 || more.data().length == 0) {
            return fromFile;
        }
        byte[] both = java.util.Arrays.copyOf(fromFile.data(), fromFile.data().length + more.data().length);
        System.arraycopy(more.data(), 0, both, fromFile.data().length, more.data().length);
        return new Ring.Chunk(both, fromFile.offset(), more.next(), fromFile.skipped());
    }

    /** Empties the log files of {@code s}, or of every session when null. */
    List<String> flush(Caller caller, Session only) {
        List<String> flushed = new ArrayList<>();
        for (Session s : only != null ? List.of(only) : registry.all()) {
            if (s.log() != null) {
                try {
                    s.log().flush();
                } catch (java.io.IOException e) {
                    audit.record(caller, "flush", s.auditTag(), ErrorCode.INTERNAL.wire());
                    throw new StewardException(ErrorCode.INTERNAL,
                            "cannot flush the logs of " + s.id() + ": " + e.getMessage(), e);
                }
                flushed.add(s.id());
            }
        }
        audit.record(caller, "flush", only != null ? only.auditTag() : null, "ok:" + flushed.size());
        return flushed;
    }

}
