package io.steward.daemon.beats;

import io.steward.api.HeartbeatEvent;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.Vitals;
import io.steward.heartbeat.NotifyMessage;
import io.steward.heartbeat.NotifyParser;
import io.steward.heartbeat.NotifyResult;
import io.steward.heartbeat.Origin;
import io.steward.sys.ReceivedDatagram;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * systemd's notify protocol, one socket per session ({@link SessionSocket}) so every datagram is
 * attributed to its session; a sender of another uid, or outside the session's process tree as
 * the kernel reports it, is refused. Datagrams are drained and handled on the heartbeat thread.
 */
final class NotifyIntake {
    private final BeatCounters counters;
    private final EventGate gate;
    private final Events events;
    private final StallWatch watch;
    private final byte[] bytes = new byte[NotifyParser.MAX_DATAGRAM];

    private final Runnable watched;

    /** @param watched called (on the heartbeat thread) when a session sets its own watchdog interval */
    NotifyIntake(BeatCounters counters, EventGate gate, Events events, StallWatch watch, Runnable watched) {
        this.watched = watched;
        this.counters = counters;
        this.gate = gate;
        this.events = events;
        this.watch = watch;
    }

    /** Handles what waits on an attached session's notify socket, at most 64 datagrams. */
    void drain(SessionSocket e, MemorySegment buffer, ReceivedDatagram r) {
        Session s = e.session();
        for (int i = 0; i < 64 && e.socket.receive(buffer, r); i++) {
            handle(s, buffer, r, System.nanoTime());
            counters.notifyFdsClosed(r.fdCount());
            r.closeFds();
        }
    }

    private void handle(Session s, MemorySegment buffer, ReceivedDatagram r, long now) {
        if (!Credentials.attached(s, r, now, counters, gate)) {
            return;
        }
        if (r.truncated()) {
            counters.notifyRefused(io.steward.heartbeat.NotifyRefusal.TOO_LARGE);
            return;
        }
        int len = r.length();
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, len);
        NotifyResult result = NotifyParser.parse(bytes, 0, len);
        if (result instanceof NotifyResult.Refused refused) {
            counters.notifyRefused(refused.reason());
            return;
        }
        if (r.uid() != Senders.OWN_UID) {
            refused(BeatCounters.Drop.FOREIGN_UID, s, r, now);
            return;
        }
        if (!Senders.belongsTo(r.pid(), s)) {
            refused(BeatCounters.Drop.FOREIGN_SENDER, s, r, now);
            return;
        }
        counters.notifyMessage();
        apply(s, ((NotifyResult.Accepted) result).message(), r.pid(), now);
    }

    private void refused(BeatCounters.Drop why, Session s, ReceivedDatagram r, long now) {
        counters.drop(why);
        if (gate.open("auth-failure", now)) {
            long pid = r.pid();
            long uid = r.uid();
            gate.publish("auth-failure", now, (seq, at, suppressed) -> new HeartbeatEvent.AuthFailure(seq, at, s.id(),
                    null, pid, uid, why.wire(), "notify", suppressed));
        }
    }

    private void apply(Session s, NotifyMessage m, int pid, long now) {
        Vitals v = s.vitals();
        m.mainPid().ifPresent(p -> {
            // Only a process of the tree may be named: it then counts for the session even once
            // re-parented away from it, for as long as it lives (its start time tells).
            long start = Senders.startTicks(p);
            if (start != 0 && Senders.belongsTo(p, s)) {
                v.mainPid(p, start);
            }
        });
        m.errno().ifPresent(v::errno);
        m.watchdogUsec().ifPresent(us -> {
            v.threshold(us * 1000);
            watched.run();
        });
        m.extendTimeoutUsec().ifPresent(us -> v.extend(us, now));
        if (m.watchdog() == NotifyMessage.Watchdog.PING && v.proof(pid, Origin.KERNEL_ATTESTED, false, now)) {
            watch.resumed(s, pid, now);
        }
        if (m.status().isPresent()) {
            v.status(m.status().get());
            String status = v.status();
            events.publish((seq, at) -> new HeartbeatEvent.Status(seq, at, s.id(), s.name(), status));
        }
        if (m.reloading() && !m.stopping()) {
            v.reloading();
        }
        if (m.ready() && !m.stopping() && !v.isReady()) {
            v.ready(now);
            events.publish((seq, at) -> new HeartbeatEvent.Ready(seq, at, s.id(), s.name(), pid));
            v.announceReady();
        }
        if (m.ready() && !m.stopping() && v.reloadDone()) {
            events.publish((seq, at) -> new HeartbeatEvent.Reloaded(seq, at, s.id(), s.name(), pid));
            v.announceReloaded();
        }
        if (m.stopping()) {
            v.stopping();
        }
        if (m.watchdog() == NotifyMessage.Watchdog.TRIGGER) {
            watch.triggered(s, pid, now);
        }
    }
}
