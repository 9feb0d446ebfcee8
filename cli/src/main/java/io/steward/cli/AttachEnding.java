package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.api.AttachMessage;
import io.steward.sys.Signal;
import java.util.Map;

/**
 * Why an attachment ended: the one line printed on stderr, and the exit code (0 after a detach, the
 * session's own code when it exited, 128 + signal when a signal ended it, 1 otherwise).
 *
 * @param kind {@code detached}, {@code exited}, {@code stolen}, {@code lost} or {@code refused}
 */
record AttachEnding(String kind, String message, int exitCode, AttachMessage.Exit exit) {
    static AttachEnding detached(String ref) {
        return new AttachEnding("detached", "detached from " + ref, 0, null);
    }

    static AttachEnding exited(String ref, AttachMessage.Exit e) {
        if (e.outcome() == Outcome.CHECKPOINTED) {
            // killed by the checkpoint, so the code is still 128 + KILL's: a script sees the same as from wait
            return new AttachEnding("exited", "session " + ref + " was checkpointed; its tree ended (steward checkpoints"
                    + " lists it)", e.signal() != null ? 128 + signalNumber(e.signal()) : Errors.FAILURE, e);
        }
        if (e.signal() != null) {
            return new AttachEnding("exited", "session " + ref + " exited with signal " + e.signal(),
                    128 + signalNumber(e.signal()), e);
        }
        int code = e.exitCode() != null ? e.exitCode() : Errors.FAILURE;
        return new AttachEnding("exited", "session " + ref + " exited with code " + code, code, e);
    }

    /** The line told while attached when the session restarts its process; the attachment goes on. */
    static String restarted(String ref, AttachMessage.Restarted r, boolean json) {
        if (json) {
            return Json.write(Json.object("restarted", r.restarts(), "pid", r.pid(), "exitCode", r.exitCode(),
                    "signal", r.signal(), "outcome", wire(r.outcome())));
        }
        String how = r.signal() != null ? "signal " + r.signal() : "code " + r.exitCode();
        return "steward: session " + ref + " exited with " + how + "; restarted as pid " + r.pid()
                + " (restart " + r.restarts() + ")";
    }

    static AttachEnding stolen() {
        return new AttachEnding("stolen", "stolen by another client", Errors.FAILURE, null);
    }

    static AttachEnding lost() {
        return new AttachEnding("lost", "daemon connection lost", Errors.FAILURE, null);
    }

    static AttachEnding refused(AttachMessage.Error e) {
        return new AttachEnding("refused", e.detail(), Errors.exitCode(e.code()), null);
    }

    /** The daemon names signals as {@code TERM}, or {@code SIG34} for real-time ones. */
    private static int signalNumber(String name) {
        return Signal.parse(name).map(Signal::number).orElseGet(() -> {
            try {
                return Integer.parseInt(name.replaceFirst("^SIG", ""));
            } catch (NumberFormatException e) {
                return 0;
            }
        });
    }

    private static String wire(Outcome outcome) {
        return outcome != null ? outcome.wire() : null;
    }

    String line(boolean json) {
        if (!json) {
            return "steward: " + message;
        }
        Map<String, Object> m = Json.object("ended", kind, "exitCode", exitCode, "message", message);
        if (exit != null) {
            m.put("signal", exit.signal());
            m.put("outcome", wire(exit.outcome()));
        }
        return Json.write(m);
    }
}
