package io.steward.api;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Both streams of a session from their cursors, interleaved in the order they arrived
 * ({@code GET /v1/sessions/{ref}/logs}): the pieces, each of one stream, the cursors to pass next,
 * what each stream held when read, and whether both ended and were read to their end.
 */
public record LogsPage(List<Piece> pieces, Cursors next, Cursors end, boolean eof) {

    /**
     * One stream's bytes in an interleaved read; {@code dropped} bytes before {@code cursor} are gone.
     * {@code times} says when they arrived (ascending offsets, the first at {@code cursor} when its
     * time is known; empty when none is).
     */
    public record Piece(StdStream stream, long cursor, long next, long dropped, byte[] data, List<Arrival> times) {
        public Piece {
            times = List.copyOf(times);
        }

        Map<String, Object> toJson() {
            return Json.object("stream", JsonFields.wire(stream), "cursor", cursor, "next", next, "dropped", dropped,
                    "data", Base64.getEncoder().encodeToString(data), "times", Arrival.toJson(times));
        }

        /** The time the byte at {@code offset} arrived, -1 when unknown (see {@link Arrival#at}). */
        public long timeAt(long offset) {
            return Arrival.at(times, offset);
        }

        // equal by content: a record compares an array by identity

        @Override
        public boolean equals(Object o) {
            return o instanceof Piece p && stream == p.stream && cursor == p.cursor && next == p.next
                    && dropped == p.dropped && Arrays.equals(data, p.data) && times.equals(p.times);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Objects.hash(stream, cursor, next, dropped, times) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Piece[stream=" + stream + ", cursor=" + cursor + ", next=" + next + ", dropped=" + dropped
                    + ", data=" + data.length + " bytes, times=" + times.size() + "]";
        }
    }

    /**
     * An offset per stream: the terminal's (a pty session) or stdout's, and stderr's, which is null
     * for a session without a separate stderr (a terminal, or stderr merged into stdout).
     */
    public record Cursors(StdStream first, long out, Long err) {
        static Cursors read(JsonFields f) {
            if (f == null) {
                return new Cursors(StdStream.STDOUT, 0, null);
            }
            StdStream first = f.has(StdStream.PTY.wire()) ? StdStream.PTY : StdStream.STDOUT;
            return new Cursors(first, f.longValue(first.wire()), f.number(StdStream.STDERR.wire()));
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = Json.object(first.wire(), out);
            if (err != null) {
                m.put(StdStream.STDERR.wire(), err);
            }
            return m;
        }
    }

    public static LogsPage fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        List<Piece> pieces = f.objects("pieces").stream().map(p -> new Piece(p.wire("stream", StdStream.values()),
                p.longValue("cursor"), p.longValue("next"), p.longValue("dropped"), OutputChunk.bytes(p.text("data")),
                Arrival.listFrom(p, "times")))
                .toList();
        return new LogsPage(pieces, Cursors.read(f.object("next")), Cursors.read(f.object("end")), f.flag("eof"));
    }

    public Map<String, Object> toJson() {
        return Json.object("pieces", pieces.stream().map(Piece::toJson).toList(), "next", next.toJson(), "end",
                end.toJson(), "eof", eof);
    }

    public long outNext() {
        return next.out();
    }

    /** stderr's next cursor, 0 for a session without a separate stderr. */
    public long errNext() {
        return next.err() != null ? next.err() : 0;
    }

    public long outEnd() {
        return end.out();
    }

    /** What stderr held, 0 for a session without a separate stderr. */
    public long errEnd() {
        return end.err() != null ? end.err() : 0;
    }

    /** True when this read reached what the streams held when it was made. */
    public boolean caughtUp() {
        return outNext() >= outEnd() && errNext() >= errEnd();
    }
}
