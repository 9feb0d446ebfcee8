package io.steward.daemon.beats;

import io.steward.api.HeartbeatEvent;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.session.Vitals;
import io.steward.heartbeat.BeatTracker;
import io.steward.heartbeat.MutableFrame;
import io.steward.heartbeat.Origin;
import io.steward.heartbeat.VlpDecoder;
import io.steward.heartbeat.VlpError;
import io.steward.sys.ReceivedDatagram;
import java.lang.foreign.MemorySegment;

/**
 * Turns received VLP datagrams into beats: decodes each, checks who sent it, lets the tracker judge
 * it, counts whatever is dropped and credits an accepted beat to its session. A datagram on a
 * session's own socket counts for that session only, and only when the kernel says its sender is
 * of the daemon's uid and in the session's tree. A known sender's beat reads nothing from /proc and
 * allocates nothing; a new sender's first beat reads its ancestry, start time and namespace once.
 * Runs on the heartbeat thread only.
 */
final class BeatIntake {
    /**
     * What a tracked sender's slot is tagged with: its session (null for none), whether it is in
     * another PID namespace, and the registry's generation when that was found out. Over UDP a
     * pid's session can be registered after its first beat, so an ownerless sender is looked up
     * again once sessions have been added since; a stranger beating hard costs no /proc walk per beat.
     */
    private record Owner(Session session, boolean crossNamespace, long generation) {}

    /** Refused senders remembered, so one hammering a session's socket costs no /proc walk per datagram. */
    private static final int REFUSED_SLOTS = 64;
    /**
     * How long a refusal is trusted. A process never joins a tree it is not in, but its pid may be
     * reused by one that is: that one's beats are refused for at most this long, and counted.
     */
    private static final long REFUSAL_NANOS = 1_000_000_000L;

    private final BeatTracker tracker;
    private final BeatCounters counters;
    private final EventGate gate;
    private final SessionRegistry registry;
    private final StallWatch watch;
    private final VlpDecoder decoder = new VlpDecoder();
    private final MutableFrame frame = new MutableFrame();
    private final int[] refusedPid = new int[REFUSED_SLOTS];
    /** The session each refusal was for, by its vitals: they do not hold a released session's rings. */
    private final Vitals[] refusedFor = new Vitals[REFUSED_SLOTS];
    private final long[] refusedUntil = new long[REFUSED_SLOTS];

    BeatIntake(BeatTracker tracker, BeatCounters counters, EventGate gate, SessionRegistry registry, StallWatch watch) {
        this.tracker = tracker;
        this.counters = counters;
        this.gate = gate;
        this.registry = registry;
        this.watch = watch;
    }

    /** A datagram from session {@code s}'s own socket: the kernel attests its sender. */
    void unix(Session s, MemorySegment buf, ReceivedDatagram r, long now) {
        if (!Credentials.attached(s, r, now, counters, gate)) {
            return;
        }
        if (r.uid() != Senders.OWN_UID) {
            foreign(BeatCounters.Drop.FOREIGN_UID, s, r, now);
            return;
        }
        if (!decode(buf, r, r.pid(), now)) {
            return;
        }
        int pid = r.pid();
        if (frame.pid() == pid && !member(s, pid, now)) {
            foreign(BeatCounters.Drop.FOREIGN_SENDER, s, r, now);
            return;
        }
        offer(pid, Origin.KERNEL_ATTESTED, s, now);
    }

    /** A datagram from the UDP listener: nobody vouches for its sender. */
    void udp(MemorySegment buf, ReceivedDatagram r, long now) {
        if (decode(buf, r, 0, now)) {
            offer(0, Origin.NETWORK_UNVERIFIED, null, now);
        }
    }

    /**
     * Whether {@code pid} is in {@code s}'s tree. A tracked pid tagged with {@code s} is, with no
     * further look; anything else is walked up its parents once, and a refusal is remembered.
     */
    private boolean member(Session s, int pid, long now) {
        Object tag = tracker.tag(pid);
        if (tag instanceof Owner o && o.session() == s) {
            return true;
        }
        int slot = (pid * 0x9E3779B9 >>> 26) & (REFUSED_SLOTS - 1);
        if (refusedPid[slot] == pid && refusedFor[slot] == s.vitals() && now - refusedUntil[slot] < 0) {
            return false;
        }
        if (!Senders.belongsTo(pid, s)) {
            refusedPid[slot] = pid;
            refusedFor[slot] = s.vitals();
            refusedUntil[slot] = now + REFUSAL_NANOS;
            return false;
        }
        if (tag != null) {
            // Tracked for another session, or for none over UDP: this pid is now a process of
            // s's tree (a reused pid), and what its slot says belongs to its predecessor.
            tracker.forget(pid);
        }
        return true;
    }

    private void foreign(BeatCounters.Drop why, Session s, ReceivedDatagram r, long now) {
        if (refused(why, "auth-failure", now)) {
            long pid = r.pid();
            long uid = r.uid();
            gate.publish("auth-failure", now, (seq, at, suppressed) -> new HeartbeatEvent.AuthFailure(seq, at, s.id(),
                    null, pid, uid, why.wire(), "vlp", suppressed));
        }
    }

    private boolean decode(MemorySegment buf, ReceivedDatagram r, int kernelPid, long now) {
        boolean ok = !r.truncated() && decoder.decode(buf, 0, r.length(), frame);
        if (!ok) {
            VlpError kind = r.truncated() ? VlpError.BAD_LENGTH : frame.error();
            counters.decodeError(kind);
            if (gate.open("decode", now)) {
                long length = r.truncated() ? -1 : r.length();
                Long sender = kernelPid != 0 ? (long) kernelPid : null;
                gate.publish("decode", now, (seq, at, suppressed) -> new HeartbeatEvent.Decode(seq, at, kind.wire(),
                        length, sender, suppressed));
            }
        }
        return ok;
    }

    /** @param known the session the sender was found in, null when it is still to be looked up (UDP) */
    private void offer(int kernelPid, Origin origin, Session known, long now) {
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
            case ACCEPTED, RESUMED, SIGNED_OFF, PANICKED -> accepted(pid, origin, v, known, ns, now);
            case AUTH_FAILURE -> {
                if (refused(BeatCounters.Drop.AUTH_FAILURE, "auth-failure", now)) {
                    gate.publish("auth-failure", now, (seq, at, suppressed) -> new HeartbeatEvent.AuthFailure(seq, at,
                            null, (long) pid, kernelPid, null, null, null, suppressed));
                }
            }
            case ORIGIN_CONFLICT -> {
                if (refused(BeatCounters.Drop.ORIGIN_CONFLICT, "origin-conflict", now)) {
                    gate.publish("origin-conflict", now, (seq, at, suppressed) -> new HeartbeatEvent.OriginConflict(seq,
                            at, pid, origin.api(), Origin.KERNEL_ATTESTED.api(), suppressed));
                }
            }
            case NAMESPACE_CONFLICT -> {
                if (refused(BeatCounters.Drop.NAMESPACE_CONFLICT, "namespace-conflict", now)) {
                    long observed = ns != 0 ? ns : Senders.namespace(pid);
                    gate.publish("namespace-conflict", now, (seq, at, suppressed) ->
                            new HeartbeatEvent.NamespaceConflict(seq, at, pid, observed, suppressed));
                }
            }
            case OUT_OF_ORDER -> counters.drop(BeatCounters.Drop.OUT_OF_ORDER);
            case RATE_LIMITED -> counters.drop(BeatCounters.Drop.RATE_LIMITED);
        }
    }

    /** The session a tracked sender belongs to, or null. */
    static Session ownerOf(BeatTracker tracker, int pid) {
        return tracker.tag(pid) instanceof Owner o ? o.session() : null;
    }

    /** Counts a refused datagram; true when its event of {@code type} may go out now. */
    private boolean refused(BeatCounters.Drop drop, String type, long now) {
        counters.drop(drop);
        return gate.open(type, now);
    }

    private void accepted(int pid, Origin origin, BeatTracker.Verdict v, Session known, long ns, long now) {
        counters.beat(origin);
        Owner owner = (Owner) tracker.tag(pid);
        if (owner == null || owner.session() == null && owner.generation() != registry.generation()) {
            // First beat of this sender (or its last, whose slot is already gone): tag it with its
            // session, found before the beat was offered, or by the claimed pid's ancestry (UDP).
            boolean cross = owner != null ? owner.crossNamespace() : ns != 0 && ns != Senders.OWN_NAMESPACE;
            long generation = registry.generation();
            Session s = known != null ? known : Senders.owner(pid, registry.all()).orElse(null);
            owner = new Owner(s, cross, generation);
            tracker.tag(pid, owner);
        }
        Session s = owner.session();
        if (s == null) {
            return;
        }
        if (s.vitals().proof(pid, origin, owner.crossNamespace(), now)) {
            watch.resumed(s, pid, now);
        }
        if (v == BeatTracker.Verdict.PANICKED) {
            watch.panicked(s, pid, now);
        }
    }
}
