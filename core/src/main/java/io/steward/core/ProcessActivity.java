package io.steward.core;

import java.time.Instant;
import java.util.List;

/**
 * What a process of an observed tree did, as the proc connector told it.
 *
 * @param argv EXEC: the command line as far as it could still be read (a process that exec'd and
 *     exited before it was read leaves it empty); empty otherwise
 * @param comm EXEC: the program's name as the kernel keeps it until the process is reaped (so it
 *     is there for a short-lived program whose command line is already gone); null otherwise
 * @param exitCode EXITED by itself: its code; else null
 * @param signal EXITED by a signal: its number; else null
 */
public record ProcessActivity(Kind kind, int pid, int ppid, Instant at, List<String> argv, String comm, Integer exitCode,
        Integer signal) {
    public enum Kind { FORKED, EXEC, EXITED }

    /** Who hears the activity of observed trees: called on the runtime's loop, it must not block. */
    public interface Listener {
        void activity(ManagedProcess root, ProcessActivity activity);
    }

    /** Who hears that a member left its root's session (setsid): what a successor must find by pid. */
    public interface EscapeListener {
        void escaped(ManagedProcess root, int pid, long startTicks);
    }
}
