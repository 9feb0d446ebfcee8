package io.steward.daemon.supervision;

import io.steward.api.ObservedEvent;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessActivity;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.sys.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime's process activity of sessions run with {@code --observe process}, published as
 * {@code process} events. Called on the I/O loop: it finds the session by the tag in the root's
 * originator and hands the stream a draft, nothing more.
 */
public final class ObservedProcesses implements ProcessActivity.Listener {
    /** What the first process of a session did before the session existed: a spawn comes before its session. */
    private static final int EARLY = 4096;

    private final Events events;
    private final Map<String, Observed> byTag = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong unattributed = new AtomicLong();

    /** A session that asked to be observed, from before its spawn; its session once it exists. */
    private static final class Observed {
        private Session session;
        private final List<ProcessActivity> early = new ArrayList<>();
    }

    ObservedProcesses(Events events) {
        this.events = events;
    }

    /** Before the spawn of a session's first process: what it does is kept until {@link #registered}. */
    void expect(String tag) {
        byTag.put(tag, new Observed());
    }

    /** The session of {@code tag} exists: what its tree did so far goes out, and the rest as it comes. */
    void registered(String tag, Session s) {
        Observed o = byTag.get(tag);
        if (o == null) {
            return;
        }
        synchronized (o) {
            o.session = s;
            o.early.forEach(a -> publish(s, a));
            o.early.clear();
        }
    }

    /** The session of {@code tag} was abandoned or released. */
    void forget(String tag) {
        byTag.remove(tag);
    }

    @Override
    public void activity(ManagedProcess root, ProcessActivity a) {
        Observed o = byTag.get(tagOf(root.originator()));
        if (o == null) {
            unattributed.incrementAndGet(); // its session is gone
            return;
        }
        synchronized (o) {
            if (o.session != null) {
                publish(o.session, a);
            } else if (o.early.size() < EARLY) {
                o.early.add(a);
            } else {
                unattributed.incrementAndGet();
            }
        }
    }

    private void publish(Session s, ProcessActivity a) {
        published.incrementAndGet();
        String id = s.id();
        String name = s.name();
        events.publish((seq, at) -> switch (a.kind()) {
            case FORKED -> new ObservedEvent.Forked(seq, a.at(), id, name, a.pid(), a.ppid());
            case EXEC -> new ObservedEvent.Exec(seq, a.at(), id, name, a.pid(), a.argv(), a.comm());
            case EXITED -> new ObservedEvent.ProcessExited(seq, a.at(), id, name, a.pid(), a.ppid(), a.exitCode(),
                    a.signal() == null ? null : Signal.nameOf(a.signal()));
        });
    }

    /** {@code steward-TAG} or {@code steward-TAG.N} → TAG. */
    static String tagOf(String originator) {
        int from = originator.startsWith("steward-") ? "steward-".length() : 0;
        int dot = originator.indexOf('.', from);
        return originator.substring(from, dot < 0 ? originator.length() : dot);
    }

    /** Process events published so far. */
    public long published() {
        return published.get();
    }

    /** Process events of observed trees that no session could be found for. */
    public long unattributed() {
        return unattributed.get();
    }
}
