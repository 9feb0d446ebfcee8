package io.steward.daemon;

import io.steward.heartbeat.BeatTracker;
import io.steward.heartbeat.MutableFrame;
import io.steward.heartbeat.Origin;
import io.steward.heartbeat.VlpDecoder;
import io.steward.heartbeat.VlpError;
import io.steward.sys.ReceivedDatagram;
import java.lang.foreign.MemorySegment;

/**
 * Turns received VLP datagrams into beats: decodes each, lets the tracker judge it, counts whatever
 * is dropped and credits an accepted beat to the session its sender belongs to. A known sender's
 * beat reads nothing from /proc and allocates nothing; a new sender's first beat reads its start
 * time, namespace and owner once. Runs on the heartbeat thread only.
 */
final class BeatIntake {
    /**
     * What a tracked sender's slot is tagged with: its session (null for none), whether it is in
     * another PID namespace, and the registry's generation when that was found out. A session's
     * child can beat before its session is registered, so an ownerless sender is looked up again
     * once sessions have been added since; a stranger beating hard costs no /proc walk per beat.
     */
    private record Owner(Session session, boolean crossNamespace, long generation) {}

    private final BeatTracker tracker;
    private final BeatCounters counters;
    private final EventGate gate;
    private final SessionRegistry registry;
    private final StallWatch watch;
    private final VlpDecoder decoder = new VlpDecoder();
    private final MutableFrame frame = new MutableFrame();

    BeatIntake(BeatTracker tracker, BeatCounters counters, EventGate gate, SessionRegistry registry, StallWatch watch) {
        this.tracker = tracker;
        this.counters = counters;
        this.gate = gate;
        this.registry = registry;
        this.watch = watch;
    }

    /** A datagram from the Unix socket: the kernel attests its sender. */
    void unix(MemorySegment buf, ReceivedDatagram r, long now) {
        if (r.controlTruncated()) {
            counters.drop(BeatCounters.Drop.CTRL_TRUNCATED);
            if (gate.open("ctrl-truncated", now)) {
                gate.publish("ctrl-truncated", now, "length", r.length());
            }
            return;
        }
        if (!r.hasCredentials()) {
            counters.drop(BeatCounters.Drop.NO_CREDENTIALS);
            return;
        }
        if (decode(buf, r, r.pid(), now)) {
            offer(r.pid(), Origin.KERNEL_ATTESTED, now);
        }
    }

    /** A datagram from the UDP listener: nobody vouches for its sender. */
    void udp(MemorySegment buf, ReceivedDatagram r, long now) {
        if (decode(buf, r, 0, now)) {
            offer(0, Origin.NETWORK_UNVERIFIED, now);
        }
    }

    private boolean decode(MemorySegment buf, ReceivedDatagram r, int kernelPid, long now) {
        boolean ok = !r.truncated() && decoder.decode(buf, 0, r.length(), frame);
        if (!ok) {
            VlpError kind = r.truncated() ? VlpError.BAD_LENGTH : frame.error();
            counters.decodeError(kind);
            if (gate.open("decode", now)) {
                gate.publish("decode", now, "kind", kind.wire(), "length", r.truncated() ? -1 : r.length(),
                        "senderPid", kernelPid != 0 ? kernelPid : null);
            }
        }
        return ok;
    }

    private void offer(int kernelPid, Origin origin, long now) {
        int pid = frame.pid();
        long ns = 0;
        long start = 0;
        if (kernelPid == pid && !tracker.tracks(pid)) {
            ns = Senders.namespace(pid);
            start = Senders.startTicks(pid);
        }
        BeatTracker.Verdict v = tracker.offer(pid, frame.status(), frame.nonce(), origin, kernelPid, ns, start, now);
        if (v == BeatTracker.Verdict.OUT_OF_ORDER && kernelPid == pid) {
            // A pid reused by a new agent starts its nonces over: its start time tells it apart.
            v = tracker.offer(pid, frame.status(), frame.nonce(), origin, kernelPid, Senders.namespace(pid),
                    Senders.startTicks(pid), now);
        }
        switch (v) {
            case ACCEPTED, RESUMED, SIGNED_OFF, PANICKED -> accepted(pid, origin, v, ns, now);
            case AUTH_FAILURE -> refused(BeatCounters.Drop.AUTH_FAILURE, "auth-failure", now,
                    "claimedPid", pid, "senderPid", kernelPid);
            case ORIGIN_CONFLICT -> refused(BeatCounters.Drop.ORIGIN_CONFLICT, "origin-conflict", now,
                    "claimedPid", pid, "observedOrigin", origin.wire(), "slotOrigin", Origin.KERNEL_ATTESTED.wire());
            case NAMESPACE_CONFLICT -> refused(BeatCounters.Drop.NAMESPACE_CONFLICT, "namespace-conflict", now,
                    "claimedPid", pid, "observedNamespace", ns != 0 ? ns : Senders.namespace(pid));
            case OUT_OF_ORDER -> counters.drop(BeatCounters.Drop.OUT_OF_ORDER);
            case RATE_LIMITED -> counters.drop(BeatCounters.Drop.RATE_LIMITED);
        }
    }

    /** The session a tracked sender belongs to, or null. */
    static Session ownerOf(BeatTracker tracker, int pid) {
        return tracker.tag(pid) instanceof Owner o ? o.session() : null;
    }

    private void refused(BeatCounters.Drop drop, String type, long now, Object... fields) {
        counters.drop(drop);
        if (gate.open(type, now)) {
            gate.publish(type, now, fields);
        }
    }

    private void accepted(int pid, Origin origin, BeatTracker.Verdict v, long ns, long now) {
        counters.beat(origin);
        Owner owner = (Owner) tracker.tag(pid);
        if (owner == null || owner.session() == null && owner.generation() != registry.generation()) {
            // First beat of this sender (or its last, whose slot is already gone): find its session.
            boolean cross = owner != null ? owner.crossNamespace() : ns != 0 && ns != Senders.OWN_NAMESPACE;
            long generation = registry.generation();
            owner = new Owner(Senders.owner(pid, registry.all()).orElse(null), cross, generation);
            tracker.tag(pid, owner);
        }
        Session s = owner.session();
        if (s == null) {
            return;
        }
        if (s.vitals.proof(pid, origin, owner.crossNamespace(), now)) {
            watch.resumed(s, pid, now);
        }
        if (v == BeatTracker.Verdict.PANICKED) {
            watch.panicked(s, pid, now);
        }
    }
}
