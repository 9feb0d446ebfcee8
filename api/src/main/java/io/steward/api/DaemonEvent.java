package io.steward.api;

import static io.steward.api.JsonFields.millis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The events of the daemon itself and of its apps: start-up recovery, stop, apply, save and resurrect. */
public sealed interface DaemonEvent extends Event {

    /**
     * At start, a process tree a killed daemon left running was ended.
     *
     * @param session the hash prefix of its session's id that the audit log uses
     * @param killed the pids killed
     */
    record LeftoverKilled(long seq, Instant at, long pid, String argv0, String session, List<Long> killed)
            implements DaemonEvent {
        @Override
        public String type() {
            return "leftover-killed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "pid", pid, "argv0", argv0, "session", session, "killed", killed);
        }
    }

    /** The daemon is stopping every session with {@code grace}, then itself. */
    record Stopping(long seq, Instant at, Duration grace) implements DaemonEvent {
        @Override
        public String type() {
            return "daemon-stopping";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "graceMs", millis(grace));
        }
    }

    /** What an apply did, by app name; {@code error} is why it stopped short, or null. */
    record Applied(long seq, Instant at, List<String> started, List<String> restarted, List<String> stopped,
            List<String> unchanged, String error) implements DaemonEvent {
        @Override
        public String type() {
            return "apply";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "started", started, "restarted", restarted, "stopped", stopped, "unchanged",
                    unchanged, "error", error);
        }
    }

    /** A save made these apps the saved set. */
    record Saved(long seq, Instant at, List<String> apps) implements DaemonEvent {
        @Override
        public String type() {
            return "saved";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "apps", apps);
        }
    }

    /** A resurrect started these apps; {@code failed} could not be started. */
    record Resurrected(long seq, Instant at, List<String> started, long failed) implements DaemonEvent {
        @Override
        public String type() {
            return "resurrected";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "started", started, "failed", failed);
        }
    }

    /**
     * The daemon was replaced in place ({@code daemon upgrade} or {@code restart}): same pid, same
     * sessions. {@code windowMs}: from when the old one stopped serving to when this one served again.
     */
    record Upgraded(long seq, Instant at, String from, String to, Duration window, long upgrades)
            implements DaemonEvent {
        @Override
        public String type() {
            return "daemon-upgraded";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "from", from, "to", to, "windowMs", JsonFields.millis(window), "upgrades",
                    upgrades);
        }
    }

    /** An upgrade was asked and did not happen: the daemon serves on as it was, and says why. */
    record UpgradeFailed(long seq, Instant at, String reason) implements DaemonEvent {
        @Override
        public String type() {
            return "upgrade-failed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "reason", reason);
        }
    }

    /** This subscriber fell behind and lost {@code events} events (its own notice: seq 0, replayed to nobody). */
    record Dropped(long seq, Instant at, long events) implements DaemonEvent {
        @Override
        public String type() {
            return "dropped";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "events", events);
        }
    }
}
