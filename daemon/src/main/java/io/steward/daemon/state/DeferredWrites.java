package io.steward.daemon.state;

import io.steward.sys.Sqlite;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes of {@code state.db} that record something already done (a stop, a kill, a release, an
 * exit) and so must never hold it up: when one fails (a full disk, most likely) the action stands,
 * and the write is kept and tried again every reaper tick until it goes through, so the daemon
 * forgets nothing while it lives. Each key is one row, whose last write wins: a newer write of a
 * key replaces a pending one, and a start recorded in its own transaction supersedes it. Failures
 * and pending writes are counted in {@code /metrics}.
 *
 * <p>Every call holds the database's monitor (as its own calls do), so a retry never slips
 * between a start's transaction and its {@link #supersede}.
 */
public final class DeferredWrites {
    private static final Logger LOG = Logger.getLogger(DeferredWrites.class.getName());

    /** What a write sets: one column ({@code what}) of one row ({@code id}) of a table ({@code kind}). */
    record Key(String kind, String id, String what) {
        /** A column of an app's row. */
        static Key app(String name, String what) {
            return new Key("app", name, what);
        }

        /** A journal row: a live process group. */
        static Key group(int pid, long startTicks) {
            return new Key("group", pid + ":" + startTicks, "row");
        }

        /** A journal row: a member that left its group's session. */
        static Key escapee(int pid, long startTicks) {
            return new Key("escapee", pid + ":" + startTicks, "row");
        }
    }

    private final Sqlite db;
    /** Guarded by {@code db}. */
    private final Map<Key, Runnable> pending = new LinkedHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile int size;

    DeferredWrites(Sqlite db) {
        this.db = db;
    }

    /** Runs {@code write}, the latest state of {@code key}; keeps it for later when it fails. */
    void write(Key key, Runnable write) {
        synchronized (db) {
            pending.remove(key);
            try {
                write.run();
            } catch (RuntimeException e) {
                pending.put(key, write);
                if (failures.incrementAndGet() == 1) {
                    LOG.log(Level.WARNING, "cannot write " + db.file() + " (kept, retried every tick): " + e.getMessage());
                }
            }
            size = pending.size();
        }
    }

    /** The row was written whole by other means (a start's transaction): its pending writes are stale. */
    void supersede(String kind, String id) {
        synchronized (db) {
            pending.keySet().removeIf(k -> k.kind().equals(kind) && k.id().equals(id));
            size = pending.size();
        }
    }

    /** Tries the pending writes in order, until one fails again (the disk is still full: next tick). */
    public void retry() {
        if (size == 0) {
            return;
        }
        synchronized (db) {
            for (Iterator<Runnable> it = pending.values().iterator(); it.hasNext(); ) {
                try {
                    it.next().run();
                } catch (RuntimeException e) {
                    break;
                }
                it.remove();
            }
            size = pending.size();
        }
    }

    /** Writes that failed when first tried. */
    public long failures() {
        return failures.get();
    }

    /** Writes waiting to be retried. */
    public int pending() {
        return size;
    }
}
