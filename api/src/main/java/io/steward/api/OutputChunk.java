package io.steward.api;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A slice of one stream's backlog ({@code GET /v1/sessions/{ref}/output}); reads never consume.
 * Offsets are absolute: byte n of a stream is at offset n for good. {@code end} is what the stream
 * held when it was read: a slice can stop short of it (at a gap in the log files), so read on while
 * {@code next < end} to have everything.
 *
 * @param cursor where the bytes start: the cursor asked for, moved up past what was lost
 * @param dropped how many bytes between the cursor asked for and {@code cursor} are gone
 * @param eof the session ended for good, its stream is closed and this read reached its end
 * @param data the bytes (base64 on the wire)
 * @param times when they arrived (see {@link LogsPage.Piece})
 */
public record OutputChunk(StdStream stream, long cursor, long next, long dropped, long end, boolean eof, byte[] data,
        List<Arrival> times) {

    public OutputChunk {
        times = List.copyOf(times);
    }

    public static OutputChunk fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new OutputChunk(f.wire("stream", StdStream.values()), f.longValue("cursor"), f.longValue("next"),
                f.longValue("dropped"), f.longValue("end"), f.flag("eof"), bytes(f.text("data")), Arrival.listFrom(f, "times"));
    }

    public Map<String, Object> toJson() {
        return Json.object("stream", JsonFields.wire(stream), "cursor", cursor, "next", next, "dropped", dropped,
                "end", end, "eof", eof, "data", Base64.getEncoder().encodeToString(data), "times", Arrival.toJson(times));
    }

    /** This slice as a piece of an interleaved read. */
    public LogsPage.Piece piece() {
        return new LogsPage.Piece(stream, cursor, next, dropped, data, times);
    }

    static byte[] bytes(String base64) {
        return base64 != null ? Base64.getDecoder().decode(base64) : new byte[0];
    }

    // equal by content: a record compares an array by identity

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputChunk c && stream == c.stream && cursor == c.cursor && next == c.next
                && dropped == c.dropped && end == c.end && eof == c.eof && Arrays.equals(data, c.data)
                && times.equals(c.times);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(stream, cursor, next, dropped, end, eof, times) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OutputChunk[stream=" + stream + ", cursor=" + cursor + ", next=" + next + ", dropped=" + dropped
                + ", end=" + end + ", eof=" + eof + ", data=" + data.length + " bytes]";
    }
}
