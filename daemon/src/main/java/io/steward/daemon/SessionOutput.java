package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.core.Ring;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** Output from a cursor, without consuming it. */
    Map<String, Object> output(Session s, String stream, long cursor, int max) {
        Ring ring = ring(s, stream);
        stream = stream != null ? stream : s.process.isPty() ? "pty" : "stdout";
        if (cursor < 0) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "cursor must be 0 or more");
        }
        int limit = Math.max(0, Math.min(max, MAX_READ_BYTES));
        Ring.Chunk c = ring.read(cursor, limit);
        if (c.skipped() > 0 && s.log != null) {
            // The ring has moved past the cursor: what it dropped may still be in the log files.
            Ring.Chunk fromFile = s.log.file(stream).read(cursor, (int) Math.min(limit, ring.start() - cursor));
            if (fromFile != null && fromFile.offset() < c.offset()) {
                c = joined(fromFile, ring, limit);
            }
        }
        return Json.object("stream", stream, "cursor", c.offset(), "next", c.next(), "dropped", c.skipped(),
                "eof", ring.closed() && c.next() >= ring.end(), "data",
                java.util.Base64.getEncoder().encodeToString(c.data()));
    }

    /** The file's chunk, topped up from the ring where the ring goes on from its end: a short read means caught up. */
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

    static Ring ring(Session s, String stream) {
        return switch (stream == null ? "stdout" : stream) {
            case "stdout", "pty" -> s.process.stdout();
            case "stderr" -> s.process.stderr().orElseThrow(() -> new StewardException(ErrorCode.INVALID_INPUT,
                    "session " + s.id + " has no separate stderr (" + (s.process.isPty() ? "a terminal" : "merged") + ")"));
            default -> throw new StewardException(ErrorCode.INVALID_INPUT, "stream must be stdout or stderr");
        };
    }

    /** Empties the log files of {@code s}, or of every session when null. */
    List<String> flush(Caller caller, Session only) {
        List<String> flushed = new ArrayList<>();
        for (Session s : only != null ? List.of(only) : registry.all()) {
            if (s.log != null) {
                try {
                    s.log.flush();
                } catch (java.io.IOException e) {
                    audit.record(caller, "flush", s.auditTag, ErrorCode.INTERNAL.wire());
                    throw new StewardException(ErrorCode.INTERNAL,
                            "cannot flush the logs of " + s.id + ": " + e.getMessage(), e);
                }
                flushed.add(s.id);
            }
        }
        audit.record(caller, "flush", only != null ? only.auditTag : null, "ok:" + flushed.size());
        return flushed;
    }

}
