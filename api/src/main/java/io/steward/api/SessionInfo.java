package io.steward.api;

import static io.steward.api.JsonFields.number;
import static io.steward.api.JsonFields.wire;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session as the daemon describes it ({@code GET /v1/sessions/{ref}}, the entries of the list,
 * and the answer of every verb that acts on one session). {@link #toJson} writes the keys the
 * daemon writes, in its order and with the types the JSON reader gives, so a document read and
 * written again is the same document, byte for byte.
 *
 * @param name null when it has none
 * @param pid of its current (or last) process
 * @param state where the session is in its life
 * @param phase the coarser state of its current process
 * @param exitCode null while it runs, or when a signal ended it
 * @param signal the signal that ended it, without {@code SIG}; null otherwise
 * @param outcome how it ended relative to a stop; null while it runs
 * @param idle since its last output or client activity
 * @param blocked a backpressure ring is full and the program waits in {@code write(2)} for a consumer
 * @param attached a writer is attached (the one client whose input reaches it)
 * @param watchers how many read-only clients are attached
 * @param rows null for a pipe session
 * @param peakRssBytes the largest resident set of its current (or last) process seen so far
 * @param rssBytes the resident set of its current process now; 0 once it has exited
 * @param treeCpu CPU time of its whole tree now (the root and its live descendants, and the children they reaped); once it has exited, the root's {@code cpu}
 * @param treeRssBytes the resident sets of its whole tree summed, each process once; 0 once it has exited
 * @param treeProcesses how many processes its tree has now, the root included; 0 once it has exited
 * @param lastExit how the process before the current one ended; null before the first restart
 * @param reloadSignal what {@code reload} sends to its main process, without {@code SIG}
 * @param timedOut only in the answer of {@code wait}: true when the timeout came first; null elsewhere
 */
public record SessionInfo(String id, String name, String label, Kind kind, List<String> argv, long pid, SessionState state,
        Phase phase,
        boolean restartPending, boolean stopping, Integer exitCode, String signal, Outcome outcome, Instant startedAt,
        Duration age, Duration idle, long bufferedBytes, long droppedBytes, boolean blocked, boolean stdinOpen,
        boolean attached, int watchers, Integer rows, Integer cols, Duration cpu, long peakRssBytes, long rssBytes,
        Duration treeCpu, long treeRssBytes, int treeProcesses, int restarts, LastExit lastExit,
        String reloadSignal, Heartbeat heartbeat, Boolean timedOut) {

    public enum Kind implements Json.Wire {
        PIPE, PTY;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum Phase implements Json.Wire {
        RUNNING,
        EXITED,
        /** Its restart policy gave up. */
        ERRORED;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How a process before a restart ended. */
    public record LastExit(Integer exitCode, String signal, Outcome outcome) {}

    /**
     * What its heartbeats and sd_notify messages say.
     *
     * @param ready with a notify socket, whether it said {@code READY=1}; null without one
     * @param status its last {@code STATUS=}
     * @param stallAfter the silence that makes a stall; null when it is not watched
     * @param startTimeout for a watched session, how long its first proof of life may take
     * @param onStall {@code none}, {@code restart}, {@code stop} or {@code signal:NAME}
     * @param lastBeatAge since its last proof of life; null before the first
     * @param mainPid its {@code MAINPID=}
     * @param errno its {@code ERRNO=}
     * @param reloading with a notify socket, whether it said {@code RELOADING=1} and not yet {@code READY=1}
     *     again; null without one. It stays {@code ready} meanwhile, as systemd keeps a reloading unit active.
     */
    public record Heartbeat(Boolean ready, String status, Duration stallAfter, Duration startTimeout, String onStall,
            boolean stalled, long stalls, Duration lastBeatAge, Integer mainPid, Integer errno, Boolean reloading) {}

    /** Reads the daemon's JSON; a key it does not know is left alone. */
    public static SessionInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        JsonFields last = f.object("lastExit");
        return new SessionInfo(f.text("id"), f.text("name"), f.text("label"), f.wire("kind", Kind.values()),
                f.texts("argv"), f.longValue("pid"), f.wire("state", SessionState.values()), f.wire("phase", Phase.values()), f.flag("restartPending"),
                f.flag("stopping"), f.integer("exitCode"), f.text("signal"), f.wire("outcome", Outcome.values()),
                f.instant("startedAt"), f.millis("ageMs"),
                f.millis("idleMs"), f.longValue("bufferedBytes"), f.longValue("droppedBytes"), f.flag("blocked"),
                f.flag("stdinOpen"), f.flag("attached"), (int) f.longValue("watchers"), f.integer("rows"), f.integer("cols"), f.millis("cpuMs"),
                f.longValue("peakRssBytes"), f.longValue("rssBytes"), f.millis("treeCpuMs"), f.longValue("treeRssBytes"),
                (int) f.longValue("treeProcesses"), (int) f.longValue("restarts"),
                last == null ? null : new LastExit(last.integer("exitCode"), last.text("signal"),
                        last.wire("outcome", Outcome.values())),
                f.text("reloadSignal"),
                new Heartbeat(f.optionalFlag("ready"), f.text("status"), f.millis("stallAfterMs"),
                        f.millis("startTimeoutMs"), f.text("onStall"), f.flag("stalled"), f.longValue("stalls"),
                        f.millis("lastBeatAgeMs"), f.integer("mainPid"), f.integer("errno"),
                        f.optionalFlag("reloading")),
                f.optionalFlag("timedOut"));
    }

    /** The JSON the daemon wrote for it: every key, nulls included; {@code timedOut} only when there was one. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("label", label);
        m.put("kind", wire(kind));
        m.put("argv", argv);
        m.put("pid", pid);
        m.put("state", wire(state));
        m.put("phase", wire(phase));
        m.put("restartPending", restartPending);
        m.put("stopping", stopping);
        m.put("exitCode", number(exitCode));
        m.put("signal", signal);
        m.put("outcome", wire(outcome));
        m.put("startedAt", JsonFields.instant(startedAt));
        m.put("ageMs", JsonFields.millis(age));
        m.put("idleMs", JsonFields.millis(idle));
        m.put("bufferedBytes", bufferedBytes);
        m.put("droppedBytes", droppedBytes);
        m.put("blocked", blocked);
        m.put("stdinOpen", stdinOpen);
        m.put("attached", attached);
        m.put("watchers", (long) watchers);
        m.put("rows", number(rows));
        m.put("cols", number(cols));
        m.put("cpuMs", JsonFields.millis(cpu));
        m.put("peakRssBytes", peakRssBytes);
        m.put("rssBytes", rssBytes);
        m.put("treeCpuMs", JsonFields.millis(treeCpu));
        m.put("treeRssBytes", treeRssBytes);
        m.put("treeProcesses", (long) treeProcesses);
        m.put("restarts", (long) restarts);
        m.put("lastExit", lastExit == null ? null
                : Json.object("exitCode", number(lastExit.exitCode()), "signal", lastExit.signal(), "outcome",
                        wire(lastExit.outcome())));
        m.put("reloadSignal", reloadSignal);
        m.put("ready", heartbeat.ready());
        m.put("status", heartbeat.status());
        m.put("stallAfterMs", JsonFields.millis(heartbeat.stallAfter()));
        m.put("startTimeoutMs", JsonFields.millis(heartbeat.startTimeout()));
        m.put("onStall", heartbeat.onStall());
        m.put("stalled", heartbeat.stalled());
        m.put("stalls", heartbeat.stalls());
        m.put("lastBeatAgeMs", JsonFields.millis(heartbeat.lastBeatAge()));
        m.put("mainPid", number(heartbeat.mainPid()));
        m.put("errno", number(heartbeat.errno()));
        m.put("reloading", heartbeat.reloading());
        if (timedOut != null) {
            m.put("timedOut", timedOut);
        }
        return m;
    }

    /** Whether its process runs now. */
    public boolean running() {
        return phase == Phase.RUNNING;
    }
}
