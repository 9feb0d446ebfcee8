package io.steward.daemon.supervision;

import io.steward.api.ObservedEvent;
import io.steward.core.EventBudget;
import io.steward.core.FileActivity;
import io.steward.core.ManagedProcess;
import io.steward.core.Observe;
import io.steward.core.ObservationListener;
import io.steward.core.ProcessActivity;
import io.steward.core.SocketWatch;
import io.steward.core.Sockets;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.sys.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What sessions run with {@code --observe} do, published as {@code process}, {@code file} and
 * {@code network} events. Called on the runtime's threads: it finds the session by the tag in the
 * root's originator and hands the stream a draft, nothing more. File events go through a budget
 * per session; what it refuses is published as one {@code suppressed} event with the count.
 */
public final class ObservedActivity implements ProcessActivity.Listener, ObservationListener {
    /** What the first process of a session did before the session existed: a spawn comes before its session. */
    private static final int EARLY = 4096;

    private final Events events;
    private final Map<String, Observed> byTag = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong unattributed = new AtomicLong();

    /** A session that asked to be observed, from before its spawn; its session once it exists. */
    private static final class Observed {
        private Session session;
        private final List<Consumer<Session>> early = new ArrayList<>();
        private final EventBudget files = new EventBudget();
    }

    ObservedActivity(Events events) {
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
            o.early.forEach(e -> e.accept(s));
            o.early.clear();
        }
    }

    /** The session of {@code tag} was abandoned or released. */
    void forget(String tag) {
        byTag.remove(tag);
    }

    /** Publishes what {@code root}'s session did, now or once the session exists. */
    private void tell(ManagedProcess root, Consumer<Session> publish) {
        Observed o = byTag.get(tagOf(root.originator()));
        if (o == null) {
            unattributed.incrementAndGet(); // its session is gone
            return;
        }
        synchronized (o) {
            if (o.session != null) {
                published.incrementAndGet();
                publish.accept(o.session);
            } else if (o.early.size() < EARLY) {
                o.early.add(publish);
            } else {
                unattributed.incrementAndGet();
            }
        }
    }

    @Override
    public void activity(ManagedProcess root, ProcessActivity a) {
        tell(root, s -> events.publish((seq, at) -> switch (a.kind()) {
            case FORKED -> new ObservedEvent.Forked(seq, a.at(), s.id(), s.name(), a.pid(), a.ppid());
            case EXEC -> new ObservedEvent.Exec(seq, a.at(), s.id(), s.name(), a.pid(), a.argv(), a.comm());
            case EXITED -> new ObservedEvent.ProcessExited(seq, a.at(), s.id(), s.name(), a.pid(), a.ppid(),
                    a.exitCode(), a.signal() == null ? null : Signal.nameOf(a.signal()));
        }));
    }

    @Override
    public void file(ManagedProcess root, FileActivity a) {
        Observed o = byTag.get(tagOf(root.originator()));
        if (o != null && !o.files.allow()) {
            return; // counted by the budget, told by flushSuppressed
        }
        tell(root, s -> events.publish((seq, at) -> new ObservedEvent.File(seq, at, a.kind().wire(), s.id(),
                s.name(), a.pid(), a.path(), a.toPath())));
    }

    @Override
    public void socketOpened(ManagedProcess root, SocketWatch.Opened o) {
        socket(root, o.kind() == SocketWatch.Kind.LISTENING ? "listening" : "connected", o.pid(), o.socket());
    }

    @Override
    public void socketClosed(ManagedProcess root, SocketWatch.Closed c) {
        socket(root, "closed", c.pid(), c.socket());
    }

    private void socket(ManagedProcess root, String type, int pid, Sockets.Socket k) {
        tell(root, s -> events.publish((seq, at) -> new ObservedEvent.Socket(seq, at, type, s.id(), s.name(), pid,
                k.protocol(), k.family(), k.local(), k.remote(), k.bytesIn(), k.bytesOut())));
    }

    @Override
    public void lost(Observe category, long count) {
        String c = category.name().toLowerCase(java.util.Locale.ROOT);
        events.publish((seq, at) -> new ObservedEvent.Missed(seq, at, "lost", c, null, null, count));
    }

    /** Publishes, per session, how many file events its budget refused since the last time. */
    public void flushSuppressed() {
        for (Observed o : byTag.values()) {
            long n = o.files.suppressed();
            Session s;
            synchronized (o) {
                s = o.session;
            }
            if (n > 0 && s != null) {
                events.publish((seq, at) -> new ObservedEvent.Missed(seq, at, "suppressed", "file", s.id(), s.name(), n));
            }
        }
    }

    /** {@code steward-TAG} or {@code steward-TAG.N} → TAG. */
    static String tagOf(String originator) {
        int from = originator.startsWith("steward-") ? "steward-".length() : 0;
        int dot = originator.indexOf('.', from);
        return originator.substring(from, dot < 0 ? originator.length() : dot);
    }

    /** Observed events published so far. */
    public long published() {
        return published.get();
    }

    /** Observed events of trees that no session could be found for. */
    public long unattributed() {
        return unattributed.get();
    }
}
