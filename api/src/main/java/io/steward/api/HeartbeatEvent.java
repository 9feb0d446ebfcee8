package io.steward.api;

import static io.steward.api.JsonFields.millis;
import static io.steward.api.JsonFields.wire;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The events of heartbeats and sd_notify: readiness, stalls and their recoveries, and (at most one
 * per second per type, {@code suppressed} counting those held back) datagrams the daemon refused.
 */
public sealed interface HeartbeatEvent extends Event {

    /** The session said {@code READY=1}. */
    record Ready(long seq, Instant at, String session, String name, long pid) implements HeartbeatEvent {
        @Override
        public String type() {
            return "ready";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid);
        }
    }

    /** The session said {@code READY=1} after {@code RELOADING=1}: its reload is done. */
    record Reloaded(long seq, Instant at, String session, String name, long pid) implements HeartbeatEvent {
        @Override
        public String type() {
            return "reloaded";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid);
        }
    }

    /** The session said {@code STATUS=}. */
    record Status(long seq, Instant at, String session, String name, String status) implements HeartbeatEvent {
        @Override
        public String type() {
            return "status";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "status", status);
        }
    }

    /**
     * The session stalled: {@code reason} {@code silent}, {@code start-timeout}, {@code panicked} or
     * {@code watchdog-trigger}; {@code action} is what its {@code onStall} calls for.
     *
     * @param agentPid the sender of its last proof of life; null before the first
     * @param origin of its last proof of life; null before the first
     * @param threshold the silence it passed
     */
    record Stall(long seq, Instant at, String session, String name, long pid, String reason, Long agentPid,
            BeatOrigin origin, Duration silent, Duration threshold, String action) implements HeartbeatEvent {
        @Override
        public String type() {
            return "stall";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "reason", reason, "agentPid",
                    agentPid, "origin", wire(origin), "silentMs", millis(silent), "thresholdMs", millis(threshold),
                    "action", action);
        }
    }

    /** Proofs of life came back after a stall. */
    record Resumed(long seq, Instant at, String session, String name, long pid) implements HeartbeatEvent {
        @Override
        public String type() {
            return "resumed";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid);
        }
    }

    /** The heartbeat thread could not watch for {@code gap}: the {@code sessions} it watched got a fresh threshold. */
    record ClockGap(long seq, Instant at, Duration gap, long sessions) implements HeartbeatEvent {
        @Override
        public String type() {
            return "clock-gap";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "gapMs", millis(gap), "sessions", sessions);
        }
    }

    /**
     * A stall's recovery was carried out: {@code outcome} {@code restarted}, {@code stopped},
     * {@code signalled} or {@code failed}.
     *
     * @param pid the new process after a restart; null otherwise
     * @param error why a restart failed; null otherwise
     */
    record Recovered(long seq, Instant at, String session, String name, String action, String outcome, Long pid,
            String error) implements HeartbeatEvent {
        @Override
        public String type() {
            return "recovered";
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = EventJson.write(this, "session", session, "name", name, "action", action,
                    "outcome", outcome);
            EventJson.putPresent(m, "pid", pid);
            EventJson.putPresent(m, "error", error);
            return m;
        }
    }

    /** A stall's recovery was not carried out: {@code network-unverified}, {@code cross-namespace}, {@code debounced}, {@code user-stopped}. */
    record RecoveryRefused(long seq, Instant at, String session, String name, String action, String reason)
            implements HeartbeatEvent {
        @Override
        public String type() {
            return "recovery-refused";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "action", action, "reason", reason);
        }
    }

    /** A datagram on the session's socket came with its credentials cut short. */
    record CtrlTruncated(long seq, Instant at, String session, long length, long suppressed) implements HeartbeatEvent {
        @Override
        public String type() {
            return "ctrl-truncated";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "length", length, "suppressed", suppressed);
        }
    }

    /**
     * A frame claimed another pid than its sender's ({@code claimedPid}), or a sender was refused on a
     * session's socket ({@code session}, {@code senderUid}, {@code reason} {@code foreign-uid} or
     * {@code foreign-sender}, {@code transport} {@code vlp} or {@code notify}); what the one kind has
     * the other has not, and is null.
     */
    record AuthFailure(long seq, Instant at, String session, Long claimedPid, long senderPid, Long senderUid,
            String reason, String transport, long suppressed) implements HeartbeatEvent {
        @Override
        public String type() {
            return "auth-failure";
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = EventJson.write(this);
            EventJson.putPresent(m, "session", session);
            EventJson.putPresent(m, "claimedPid", claimedPid);
            m.put("senderPid", senderPid);
            EventJson.putPresent(m, "senderUid", senderUid);
            EventJson.putPresent(m, "reason", reason);
            EventJson.putPresent(m, "transport", transport);
            m.put("suppressed", suppressed);
            return m;
        }
    }

    /**
     * A VLP frame that did not decode: {@code kind} names the check it failed ({@code BadLength}, …).
     *
     * @param length -1 when it was longer than a frame can be
     * @param senderPid null for a UDP datagram
     */
    record Decode(long seq, Instant at, String kind, long length, Long senderPid, long suppressed)
            implements HeartbeatEvent {
        @Override
        public String type() {
            return "decode";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "kind", kind, "length", length, "senderPid", senderPid, "suppressed",
                    suppressed);
        }
    }

    /** A pid first seen over one origin sent over another. */
    record OriginConflict(long seq, Instant at, long claimedPid, BeatOrigin observedOrigin, BeatOrigin slotOrigin,
            long suppressed) implements HeartbeatEvent {
        @Override
        public String type() {
            return "origin-conflict";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "claimedPid", claimedPid, "observedOrigin", wire(observedOrigin),
                    "slotOrigin", wire(slotOrigin), "suppressed", suppressed);
        }
    }

    /** A pid first seen in one PID namespace sent from another ({@code observedNamespace}, an inode). */
    record NamespaceConflict(long seq, Instant at, long claimedPid, long observedNamespace, long suppressed)
            implements HeartbeatEvent {
        @Override
        public String type() {
            return "namespace-conflict";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "claimedPid", claimedPid, "observedNamespace", observedNamespace,
                    "suppressed", suppressed);
        }
    }

    /** An I/O call of the heartbeat thread failed. */
    record Io(long seq, Instant at, String operation, String error, long suppressed) implements HeartbeatEvent {
        @Override
        public String type() {
            return "io";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "operation", operation, "error", error, "suppressed", suppressed);
        }
    }
}
