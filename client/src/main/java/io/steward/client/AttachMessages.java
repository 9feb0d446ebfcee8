package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import java.util.Map;

/**
 * The daemon's text frames on an attachment, read into their {@link AttachEvent}s. Lenient as the
 * api's readers are: a missing field reads as null or 0, a type this client does not know is
 * {@link AttachEvent.Other}; a value it does not know in a known field says so.
 */
final class AttachMessages {
    private AttachMessages() {}

    static AttachEvent read(Map<String, Object> m) {
        return switch (String.valueOf(m.get("type"))) {
            case "hello" -> new AttachEvent.Hello(string(m, "session"), wire(m, "kind", SessionInfo.Kind.values()),
                    Boolean.TRUE.equals(m.get("readOnly")), number(m, "stdoutCursor"), number(m, "stderrCursor"));
            case "dropped" -> new AttachEvent.Dropped(wire(m, "stream", StdStream.values()), number(m, "bytes"),
                    number(m, "cursor"));
            case "stolen" -> new AttachEvent.Stolen();
            case "restarted" -> new AttachEvent.Restarted(exitCode(m), string(m, "signal"),
                    wire(m, "outcome", Outcome.values()), (int) number(m, "pid"), (int) number(m, "restarts"));
            case "exit" -> new AttachEvent.Exit(exitCode(m), string(m, "signal"), wire(m, "outcome", Outcome.values()));
            case "error" -> new AttachEvent.Error(ErrorCode.fromWire(string(m, "code")).orElse(ErrorCode.INTERNAL),
                    string(m, "detail"));
            default -> new AttachEvent.Other(m);
        };
    }

    private static Integer exitCode(Map<String, Object> m) {
        return m.get("exitCode") instanceof Number n ? n.intValue() : null;
    }

    private static String string(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    private static long number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static <E extends Enum<E> & Json.Wire> E wire(Map<String, Object> m, String key, E[] values) {
        return Json.Wire.of(key, string(m, key), values);
    }
}
