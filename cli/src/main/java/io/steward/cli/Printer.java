package io.steward.cli;

import io.steward.api.Json;
import io.steward.sys.Signal;
import java.util.Map;

/** What verbs print: one JSON document with {@code --json}, else one line a person reads. */
final class Printer {
    private Printer() {}

    static void json(Object document) {
        System.out.println(Json.write(document));
    }

    /** {@code name (shortid) pid N: state}. */
    static String line(Map<String, Object> s) {
        String name = s.get("name") instanceof String n ? n + " (" + SessionView.shortId(s) + ")" : SessionView.shortId(s);
        return name + " pid " + s.get("pid") + ": " + SessionView.state(s)
                + (s.get("outcome") instanceof String o ? " (" + o + ")" : "");
    }

    /** The daemon's answer as JSON, or the line a person reads. */
    static void either(boolean json, Map<String, Object> answer, String line) {
        if (json) {
            json(answer);
        } else {
            System.out.println(line);
        }
    }

    static void session(Map<String, Object> s, boolean json) {
        either(json, s, line(s));
    }

    /** The shell's convention for a finished session: its code, or 128 + the signal's number. */
    static int exitCodeOf(Map<String, Object> s) {
        if (s.get("signal") instanceof String sig) {
            return 128 + Signal.parse(sig).map(Signal::number).orElse(0);
        }
        return s.get("exitCode") instanceof Number n ? n.intValue() : Errors.FAILURE;
    }
}
