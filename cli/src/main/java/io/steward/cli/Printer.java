package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.sys.Signal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What verbs print: one JSON document with {@code --json}, else one line a person reads. */
final class Printer {
    private Printer() {}

    static void json(Object document) {
        System.out.println(Json.write(document));
    }

    /** {@code name (shortid) pid N: state}. */
    static String line(SessionInfo s) {
        String state = SessionView.state(s);
        boolean told = s.outcome() == null || state.equals(s.outcome().wire()); // `checkpointed` once, not twice
        return label(s) + " pid " + s.pid() + ": " + state + (told ? "" : " (" + s.outcome().wire() + ")");
    }

    /** {@code web (wpu3ypko)}, or the short id of a session without a name. */
    static String label(SessionInfo s) {
        return s.name() != null ? s.name() + " (" + SessionView.shortId(s) + ")" : SessionView.shortId(s);
    }

    /**
     * {@code 2 sessions: web (wpu3ypko), cisw7gjv}: the sessions of {@code ids}, each by its label in
     * {@code known} (as listed before they went), or by its short id.
     */
    static String sessions(List<String> ids, List<SessionInfo> known) {
        Map<String, SessionInfo> byId = new HashMap<>();
        known.forEach(s -> byId.put(s.id(), s));
        List<String> labels = ids.stream().map(id -> byId.containsKey(id) ? label(byId.get(id))
                : id.substring(0, Math.min(id.length(), SessionView.SHORT_ID))).toList();
        return count(ids.size(), "session") + (labels.isEmpty() ? "" : ": " + String.join(", ", labels));
    }

    /** {@code 1 session}, {@code 2 sessions}: a count and its noun, plural unless it is one. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
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
