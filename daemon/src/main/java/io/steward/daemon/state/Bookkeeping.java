package io.steward.daemon.state;

import io.steward.api.StewardException;
import io.steward.core.ManagedProcess;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.sys.Sqlite;

/**
 * What the daemon writes to {@code state.db} about its sessions, in one place. A start is journaled
 * in the transaction that records its app, and a failure there is the start's failure. What records
 * something already done (a stop, a removal, an exit) goes through {@link DeferredWrites}: it never
 * fails, nor waits for, the action it records.
 */
public final class Bookkeeping {
    private final Journal journal;
    private final Apps apps;
    private final DeferredWrites deferred;

    public Bookkeeping(Journal journal) {
        this.journal = journal;
        this.apps = new Apps(journal.db());
        this.deferred = new DeferredWrites(journal.db());
    }

    /**
     * Journals a started process, and a named session's app, in one transaction: a failure leaves
     * nothing written. A pending write of the app is older than this start, so it is dropped.
     *
     * @throws StewardException {@code disk-full} naming the file, say
     */
    public void started(ManagedProcess p, String tag, RunRequest request, Apps.Source source) {
        Sqlite db = journal.db();
        try {
            synchronized (db) {
                db.inTransaction(() -> {
                    journal.add(Journal.Entry.of(p, tag));
                    if (request.name() != null) {
                        apps.started(request.name(), request.body(), source);
                    }
                });
                if (request.name() != null) {
                    deferred.supersede("app", request.name());
                }
            }
        } catch (RuntimeException e) {
            throw failure(e, "record the start of '" + request.spec().argv().getFirst() + "'");
        }
    }

    /** Someone stopped the named session: it is not meant to run any more, and resurrect leaves it alone. */
    public void stopped(String name) {
        deferred.write(DeferredWrites.Key.app(name, "desired"), () -> apps.stopped(name));
    }

    /**
     * The named session ended by itself and its restart policy let that stand (it is done, or it
     * errored): it is not meant to run any more, and resurrect leaves it alone.
     */
    public void endedByItself(String name) {
        deferred.write(DeferredWrites.Key.app(name, "desired"), () -> apps.ended(name));
    }

    /** A user restarted the named session: it is meant to run again, whatever ended it before. */
    public void restarted(String name) {
        deferred.write(DeferredWrites.Key.app(name, "desired"), () -> apps.restarted(name));
    }

    /** An apply left the app as it runs; the file may have given it another place among the apps. */
    public void placed(String name, Apps.Source source) {
        deferred.write(DeferredWrites.Key.app(name, "source"), () -> apps.placed(name, source));
    }

    /** Removed by a user: the named session stops being an app. */
    public void removed(String name) {
        deferred.write(DeferredWrites.Key.app(name, "row"), () -> apps.removed(name));
    }

    /** The app left the apps file: apply leaves it alone from now on (after its stop, which stands). */
    public void unmanaged(String name) {
        deferred.write(DeferredWrites.Key.app(name, "managed"), () -> apps.unmanage(name));
    }

    /** A journaled process has ended, or a new daemon ended it. */
    public void ended(int pid, long startTicks) {
        deferred.write(DeferredWrites.Key.group(pid, startTicks), () -> journal.remove(pid, startTicks));
    }

    /**
     * A member of a journaled group left its session ({@code setsid}): kept, so that a successor
     * of a daemon that dies finds it although nothing in /proc ties it to the group any more.
     */
    public void escaped(ManagedProcess root, int pid, long startTicks) {
        if (startTicks < 0) {
            return; // gone before it could be identified: nothing to find later
        }
        deferred.write(DeferredWrites.Key.escapee(pid, startTicks), () -> journal.escaped(
                new Journal.Pid(root.pid(), root.startTicks()), new Journal.Pid(pid, startTicks)));
    }

    /**
     * True when a released session's log files stay: it is a named app of the saved set. When the
     * saved set cannot be read they stay too: never delete what may be wanted.
     */
    public boolean keepsLogs(Session s) {
        try {
            return s.name() != null && apps.isSaved(s.name());
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** A failure of {@code doing} on state.db as the user reads it (see {@link StateFailures}). */
    public StewardException failure(RuntimeException e, String doing) {
        return StateFailures.of(e, journal.file(), doing);
    }

    public Apps apps() {
        return apps;
    }

    public DeferredWrites deferred() {
        return deferred;
    }
}
