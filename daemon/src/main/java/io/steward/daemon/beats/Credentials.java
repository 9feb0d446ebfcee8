package io.steward.daemon.beats;

import io.steward.api.HeartbeatEvent;
import io.steward.daemon.session.Session;
import io.steward.sys.ReceivedDatagram;

/** The first check of every datagram on a session's sockets, VLP or sd_notify: the kernel said who sent it. */
final class Credentials {
    private Credentials() {}

    /**
     * True when the datagram carries the kernel's credentials whole; otherwise counts the drop (and
     * reports a cut control message, at most once a second) and returns false.
     */
    static boolean attached(Session s, ReceivedDatagram r, long now, BeatCounters counters, EventGate gate) {
        if (r.controlTruncated()) {
            counters.drop(BeatCounters.Drop.CTRL_TRUNCATED);
            if (gate.open("ctrl-truncated", now)) {
                long length = r.length();
                gate.publish("ctrl-truncated", now,
                        (seq, at, suppressed) -> new HeartbeatEvent.CtrlTruncated(seq, at, s.id(), length, suppressed));
            }
            return false;
        }
        if (!r.hasCredentials()) {
            counters.drop(BeatCounters.Drop.NO_CREDENTIALS);
            return false;
        }
        return true;
    }
}
