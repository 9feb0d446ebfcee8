package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.sys.Signal;
import java.util.Map;

/** What verbs print: one JSON document with {@code --json}, else one line a person reads. */
final class Printer {
    private Printer() {}

    static void json(Object document) {
        System.out.println(Json.write(document));
    }

    /** {@code name (shortid) pid N: state}. */
    static String line(SessionInfo s) {
        String name = s.name() != null ? s.name() + " (" + SessionView.shortId(s) + ")" : SessionView.shortId(s);
        return name + " pid " + s.pid() + ": " + SessionView.state(s)
                + (s.outcome() != null ? " (" + s.outcome().wire() + ")" : "");
    }

    /** The daemon's answer as JSON, or the line a person reads. */
    static void either(boolean json, Map<String, Object> answer, String line) {
        if (json) {
            json(answer);
        } else {
            System.out.println(line);
        }
    }

    static void session(SessionInfo s, boolean json) {
        either(json, s.toJson(), line(s));
    }

    /** The shell's convention for a finished session: its code, or 128 + the signal's number. */
    static int exitCodeOf(SessionInfo s) {
        if (s.signal() != null) {
            return 128 + Signal.parse(s.signal()).map(Signal::number).orElse(0);
        }
        return s.exitCode() != null ? s.exitCode() : Errors.FAILURE;
    }
}
