package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.Outcome;
import io.steward.api.SessionInfo;
import java.time.Duration;

/** A session as a person reads it: short id, state with code or signal, sizes and ages. */
final class SessionView {
    static final int SHORT_ID = 8;
    /** The state of a session whose tree a checkpoint ended, as its outcome says it on the wire. */
    static final String CHECKPOINTED = Outcome.CHECKPOINTED.wire();

    private SessionView() {}

    static String shortId(SessionInfo s) {
        return s.id().length() > SHORT_ID ? s.id().substring(0, SHORT_ID) : s.id();
    }

    /**
     * The session's state as a user reads it: {@code running} (or {@code starting} until ready, {@code reloading}
     * between RELOADING=1 and READY=1,
     * {@code stalled}, {@code blocked}), {@code stopping}, {@code recovering}, {@code restarting}
     * (a user's restart stopping its tree, in backoff, or starting its next process), {@code errored}, {@code exited 0}, {@code killed TERM},
     * {@code checkpointed} (its tree was dumped, then ended: not a failure, and {@code restore} brings it back).
     */
    static String state(SessionInfo s) {
        return switch (s.state()) {
            case RUNNING -> s.stopping() ? "stopping" : s.heartbeat().stalled() ? "stalled" : s.blocked() ? "blocked"
                    : Boolean.FALSE.equals(s.heartbeat().ready()) ? "starting"
                    : Boolean.TRUE.equals(s.heartbeat().reloading()) ? "reloading" : "running";
            case STOPPING, RECOVERING, RESTARTING, ERRORED -> s.state().wire();
            case BACKOFF, STARTING -> "restarting";
            case EXITED, RELEASED -> s.outcome() == Outcome.CHECKPOINTED ? CHECKPOINTED
                    : s.signal() != null ? "killed " + s.signal() : "exited " + s.exitCode();
        };
    }

    /**
     * How its process ended ({@code exited 3}, {@code killed TERM}), read from the process, whose end
     * can come before the session's state says so; the state while it runs.
     */
    static String ending(SessionInfo s) {
        if (s.outcome() == Outcome.CHECKPOINTED) {
            return CHECKPOINTED;
        }
        return s.signal() != null ? "killed " + s.signal() : s.exitCode() != null ? "exited " + s.exitCode() : state(s);
    }

    /** How the process before a restart ended ({@code exited 3}, {@code killed TERM}), or "-". */
    static String lastExit(SessionInfo s) {
        SessionInfo.LastExit last = s.lastExit();
        if (last == null) {
            return "-";
        }
        return last.signal() != null ? "killed " + last.signal() : "exited " + last.exitCode();
    }

    /** The sd_notify STATUS= text, cut to fit a table row; "-" for none. */
    static String status(SessionInfo s) {
        String text = s.heartbeat().status();
        if (text == null || text.isEmpty()) {
            return "-";
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 40 ? line.substring(0, 39) + "…" : line;
    }

    /** Whether a writer is attached, and how many read-only clients watch: {@code yes}, {@code no, 2 watching}. */
    static String attached(SessionInfo s) {
        String writer = s.attached() ? "yes" : "no";
        return s.watchers() == 0 ? writer : writer + ", " + s.watchers() + " watching";
    }

    static String age(SessionInfo s) {
        return time(s.age());
    }

    /** A duration to the second ({@code 2m}, {@code 1h5m}), or in ms under a second; "-" for none. */
    static String time(Duration d) {
        return d == null ? "-" : millis(d.toMillis());
    }

    private static String millis(long v) {
        return v < 1000 ? v + "ms" : Durations.format(Duration.ofMillis(v / 1000 * 1000));
    }

    /** Bytes as B, K, M or G with one decimal where it helps. */
    static String bytes(Object b) {
        if (!(b instanceof Number n)) {
            return "-";
        }
        double v = n.doubleValue();
        String[] units = {"B", "K", "M", "G", "T"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return (long) v + "B";
        }
        if (v >= 10) {
            return Math.round(v) + units[u];
        }
        // by hand, not String.format: the same in every locale, and the formatter's locale data was
        // a tenth of a short `steward ls` (bench/RESULTS.md, cli-latency)
        long tenths = Math.round(v * 10);
        return tenths / 10 + "." + tenths % 10 + units[u];
    }

    static String text(Object o) {
        return o == null ? "-" : o.toString();
    }

    /** A value by its wire name; "-" for none. */
    static String wire(io.steward.api.Json.Wire w) {
        return w == null ? "-" : w.wire();
    }

    /** The command line, shell-like, for people. */
    static String command(SessionInfo s) {
        StringBuilder b = new StringBuilder();
        for (String arg : s.argv()) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(arg.isEmpty() || arg.matches(".*[\\s'\"\\\\$`!*?;&|<>(){}].*")
                    ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return b.toString();
    }
}
