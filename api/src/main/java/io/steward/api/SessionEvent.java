package io.steward.api;

import static io.steward.api.JsonFields.millis;
import static io.steward.api.JsonFields.number;
import static io.steward.api.JsonFields.wire;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The events of a session's life and processes (the table of docs/ARCHITECTURE.md, "A session's
 * life", names the steps that publish them). Each names the session by its id, and its name (null
 * when it has none).
 */
public sealed interface SessionEvent extends Event {
    String session();

    String name();

    /** A session was created and its first process started. */
    record Started(long seq, Instant at, String session, String name, long pid, List<String> argv)
            implements SessionEvent {
        @Override
        public String type() {
            return "started";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "argv", argv);
        }
    }

    /**
     * A process of the session ended (the session may start another). Exactly one of exitCode and signal is set.
     *
     * @param leftovers how many processes of its tree outlived it and were killed
     */
    record Exited(long seq, Instant at, String session, String name, long pid, Integer exitCode, String signal,
            Outcome outcome, long leftovers) implements SessionEvent {
        @Override
        public String type() {
            return "exited";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "exitCode", number(exitCode),
                    "signal", signal, "outcome", wire(outcome), "leftovers", leftovers);
        }
    }

    /** The session ended for good: no restart wanted, or it was stopped. */
    record Ended(long seq, Instant at, String session, String name, long pid, Integer exitCode, String signal,
            Outcome outcome) implements SessionEvent {
        @Override
        public String type() {
            return "ended";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "exitCode", number(exitCode),
                    "signal", signal, "outcome", wire(outcome));
        }
    }

    /** Its process ended and its restart policy starts it again after {@code delay}; {@code attempt} counts from 1. */
    record Backoff(long seq, Instant at, String session, String name, Duration delay, long attempt, Integer exitCode,
            String signal) implements SessionEvent {
        @Override
        public String type() {
            return "backoff";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "delayMs", millis(delay), "attempt", attempt,
                    "exitCode", number(exitCode), "signal", signal);
        }
    }

    /** Its restart policy gave up: {@code maxRestarts} restarts within {@code within}. */
    record Errored(long seq, Instant at, String session, String name, long restarts, long maxRestarts, Duration within)
            implements SessionEvent {
        @Override
        public String type() {
            return "errored";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "restarts", restarts, "maxRestarts",
                    maxRestarts, "withinMs", millis(within));
        }
    }

    /** Its next process started, as {@code pid}; {@code reason} is {@code policy}, {@code stall}, {@code memory} or {@code user}. */
    record Restarted(long seq, Instant at, String session, String name, long pid, long previousPid, long restarts,
            String reason) implements SessionEvent {
        @Override
        public String type() {
            return "restarted";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "previousPid", previousPid,
                    "restarts", restarts, "reason", reason);
        }
    }

    /** A stop came while it waited to restart (or was starting again): it ended there. */
    record RestartCancelled(long seq, Instant at, String session, String name) implements SessionEvent {
        @Override
        public String type() {
            return "restart-cancelled";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name);
        }
    }

    /** Its next process could not be started: it ended there. */
    record RestartFailed(long seq, Instant at, String session, String name, String error) implements SessionEvent {
        @Override
        public String type() {
            return "restart-failed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "error", error);
        }
    }

    /** Released: {@code removed}, {@code purged}, past its {@code retention}, or {@code replaced} under its name. */
    record Reaped(long seq, Instant at, String session, String name, String reason) implements SessionEvent {
        @Override
        public String type() {
            return "reaped";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "reason", reason);
        }
    }

    /** Another client attached with steal and took over typing into it. */
    record Stolen(long seq, Instant at, String session, String name) implements SessionEvent {
        @Override
        public String type() {
            return "stolen";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name);
        }
    }

    /** A limit ({@code max-lifetime}, {@code idle-timeout}) stops it, with {@code grace}. */
    record Limit(long seq, Instant at, String session, String name, String reason, Duration grace)
            implements SessionEvent {
        @Override
        public String type() {
            return "limit";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "reason", reason, "graceMs", millis(grace));
        }
    }

    /**
     * Its whole tree's resident memory stayed above its {@code --max-memory} for two samples.
     *
     * @param rssBytes the tree's resident memory at the second sample
     * @param action {@code restart} with a restart policy, else {@code stop}
     */
    record MemoryExceeded(long seq, Instant at, String session, String name, long pid, long rssBytes,
            long limitBytes, long processes, String action) implements SessionEvent {
        @Override
        public String type() {
            return "memory-exceeded";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "rssBytes", rssBytes,
                    "limitBytes", limitBytes, "processes", processes, "action", action);
        }
    }

    /**
     * A user's reload sent {@code signal} to its main process {@code pid}; a session with a notify
     * socket is then expected to say {@code RELOADING=1} and {@code READY=1} again ({@code reloaded}).
     */
    record Reloading(long seq, Instant at, String session, String name, long pid, String signal)
            implements SessionEvent {
        @Override
        public String type() {
            return "reloading";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "signal", signal);
        }
    }

    /**
     * Its tree was checkpointed into the store as {@code digest} (with {@code tag}, or none); without
     * {@code leftRunning} the tree was then ended, with the outcome {@code checkpointed}.
     */
    record Checkpointed(long seq, Instant at, String session, String name, String digest, String tag,
            boolean leftRunning, long storedBytes, Duration took) implements SessionEvent {
        @Override
        public String type() {
            return "checkpointed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "digest", digest, "tag", tag,
                    "leftRunning", leftRunning, "storedBytes", storedBytes, "tookMs", millis(took));
        }
    }

    /** A new session runs the tree of checkpoint {@code digest}, as {@code pid}. */
    record Restored(long seq, Instant at, String session, String name, long pid, String digest)
            implements SessionEvent {
        @Override
        public String type() {
            return "restored";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "digest", digest);
        }
    }

    /**
     * A checkpoint ({@code action} {@code checkpoint}) or a restore ({@code restore}) failed:
     * {@code error} is CRIU's own line, or why it could not run; the tree is as it was.
     */
    record CheckpointFailed(long seq, Instant at, String session, String name, String action, String error)
            implements SessionEvent {
        @Override
        public String type() {
            return "checkpoint-failed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "action", action, "error", error);
        }
    }
}
