package io.steward.core;

import io.steward.api.Outcome;
import io.steward.sys.Signal;
import java.time.Instant;
import java.util.List;

/**
 * How a process ended.
 *
 * @param code exit code, or -1 when a signal ended it
 * @param signal the terminating signal number, or 0
 * @param outcome natural exit, or how a stop request ended its tree: soft only if no member of the
 *     tree needed SIGKILL
 * @param exitedAt when the process had exited and, after a stop, the rest of its tree too
 * @param cpuMicros user plus system CPU time of the process and its reaped children
 * @param peakRssBytes the largest resident set it reached
 * @param leftovers descendants that outlived it and that the runtime killed: at once after a
 *     natural exit, at the end of the grace when it exited during a stop
 */
public record ExitStatus(int code, int signal, boolean coreDumped, Outcome outcome, Instant exitedAt, long cpuMicros,
        long peakRssBytes, List<Leftover> leftovers) {

    /** A descendant found alive after the main process exited, and killed. */
    public record Leftover(int pid, List<String> argv) {}

    /** The exit code, or null when a signal ended the process: how the API and the CLI report it. */
    public Integer exitCode() {
        return signal == 0 ? code : null;
    }

    /** The terminating signal's name without SIG (e.g. {@code TERM}), or null after a normal exit. */
    public String signalName() {
        return signal != 0 ? Signal.nameOf(signal) : null;
    }

    /** The shell convention: the exit code, or 128 + signal. */
    public int shellCode() {
        return signal != 0 ? 128 + signal : code;
    }

    public String describe() {
        return signal != 0 ? "killed by SIG" + Signal.nameOf(signal) + (coreDumped ? " (core dumped)" : "")
                : "exited with code " + code;
    }
}
