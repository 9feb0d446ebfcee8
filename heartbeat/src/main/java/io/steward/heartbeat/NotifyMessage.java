package io.steward.heartbeat;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one sd_notify datagram said, as systemd would read it. Absent fields were not in the
 * datagram (or were rejected: see {@link #ignoredFields}).
 *
 * @param ready         {@code READY=1}
 * @param reloading     {@code RELOADING=1}
 * @param stopping      {@code STOPPING=1}; systemd lets it win over {@code READY=1}, which in turn
 *                      wins over {@code RELOADING=1} — all three are reported, the tracker decides
 * @param status        {@code STATUS=}; present but empty means "clear the status text"
 * @param watchdog      {@code WATCHDOG=1} (a ping) or {@code WATCHDOG=trigger} (fail now)
 * @param watchdogUsec  {@code WATCHDOG_USEC=}, a u64 held in a long: the new watchdog interval
 * @param extendTimeoutUsec {@code EXTEND_TIMEOUT_USEC=}, a u64 held in a long
 * @param mainPid       {@code MAINPID=}, a pid above 0
 * @param errno         {@code ERRNO=}, 0..4095
 * @param barrier       {@code BARRIER=1}, alone in its datagram; the sender waits until the
 *                      descriptor it passed along is closed, so the receiver must close it
 * @param ignoredFields known keys whose value was unusable ({@code MAINPID=abc}, {@code WATCHDOG=2},
 *                      a {@code STATUS=} that is not UTF-8): dropped, as systemd drops them with a
 *                      warning, and counted so the caller can say so
 */
public record NotifyMessage(
        boolean ready,
        boolean reloading,
        boolean stopping,
        Optional<String> status,
        Watchdog watchdog,
        OptionalLong watchdogUsec,
        OptionalLong extendTimeoutUsec,
        OptionalInt mainPid,
        OptionalInt errno,
        boolean barrier,
        int ignoredFields) {

    public enum Watchdog {
        NONE, PING, TRIGGER
    }
}
