package io.steward.daemon.state;

import io.steward.sys.Sqlite;
import io.steward.sys.SqliteException;
import io.steward.sys.SqliteStatement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The live process groups, in SQLite under STEWARD_HOME, written before a session is reported
 * started and removed after it is reaped. After a daemon crash the next daemon reads what is left
 * and kills those trees: a SIGKILLed daemon leaves no orphans behind for long.
 */
public final class Journal implements AutoCloseable {
    /** A group the journal says was live: enough to find it again and to be sure it is the same process. */
    public record Entry(int pid, long startTicks, String originator, String auditTag, String argv0) {
        /** The entry of a session's process (a first one, or one a restart started). */
        public static Entry of(io.steward.core.ManagedProcess p, String auditTag) {
            return new Entry(p.pid(), p.startTicks(), p.originator(), auditTag, p.spec().argv().getFirst());
        }
    }

    private final Sqlite db;
    private final Path file;

    public Journal(Path file) {
        try {
            if (!java.nio.file.Files.exists(file)) {
                // SQLite gives its -wal and -shm files the mode of the database file: owner only, from the start.
                java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
        } catch (java.io.IOException e) {
            throw new io.steward.api.StewardException(io.steward.api.ErrorCode.INTERNAL,
                    "cannot create " + file + ": " + e.getMessage(), e);
        }
        db = openChecked(file);
        this.file = file;
    }

    /**
     * Opens the database and its table. A damaged file is one line naming it (never a stack trace),
     * found at once: {@code quick_check} reads every page, which for a journal of live groups and
     * apps is a few pages.
     */
    private static Sqlite openChecked(Path file) {
        Sqlite db = null;
        try {
            db = Sqlite.open(file);
            try (SqliteStatement st = db.prepare("PRAGMA quick_check")) {
                if (!st.step() || !"ok".equals(st.getString(0))) {
                    throw StateFailures.corrupt(file, SqliteException.CORRUPT, null);
                }
            }
            db.exec("CREATE TABLE IF NOT EXISTS live_group ("
                    + " pid INTEGER NOT NULL, start_ticks INTEGER NOT NULL, originator TEXT NOT NULL,"
                    + " audit_tag TEXT NOT NULL, argv0 TEXT NOT NULL, started_at INTEGER NOT NULL,"
                    + " PRIMARY KEY (pid, start_ticks))");
            // Members that left their root's session: nothing else lets a successor find them.
            db.exec("CREATE TABLE IF NOT EXISTS escapee ("
                    + " root_pid INTEGER NOT NULL, root_start INTEGER NOT NULL,"
                    + " pid INTEGER NOT NULL, start_ticks INTEGER NOT NULL, PRIMARY KEY (pid, start_ticks))");
            return db;
        } catch (RuntimeException e) {
            if (db != null) {
                try {
                    db.close();
                } catch (RuntimeException c) {
                    e.addSuppressed(c);
                }
            }
            if (e instanceof SqliteException sql && (sql.primaryCode() == SqliteException.CORRUPT
                    || sql.primaryCode() == SqliteException.NOTADB)) {
                throw StateFailures.corrupt(file, sql.primaryCode(), e);
            }
            throw e;
        }
    }

    /** The database file, for messages. */
    public Path file() {
        return file;
    }

    public void add(Entry e) {
        try (SqliteStatement st = db.prepare("INSERT OR REPLACE INTO live_group VALUES (?, ?, ?, ?, ?, ?)")) {
            st.bind(1, e.pid()).bind(2, e.startTicks()).bind(3, e.originator()).bind(4, e.auditTag())
                    .bind(5, e.argv0()).bind(6, System.currentTimeMillis());
            st.executeUpdate();
        }
    }

    void remove(int pid, long startTicks) {
        try (SqliteStatement st = db.prepare("DELETE FROM live_group WHERE pid = ? AND start_ticks = ?")) {
            st.bind(1, pid).bind(2, startTicks);
            st.executeUpdate();
        }
        try (SqliteStatement st = db.prepare("DELETE FROM escapee WHERE root_pid = ? AND root_start = ?")) {
            st.bind(1, pid).bind(2, startTicks);
            st.executeUpdate();
        }
    }

    /** A process, identified by pid and start time. */
    public record Pid(int pid, long startTicks) {}

    /** Keeps a member of the group rooted at {@code root} that left the root's session. */
    public void escaped(Pid root, Pid member) {
        try (SqliteStatement st = db.prepare("INSERT OR REPLACE INTO escapee VALUES (?, ?, ?, ?)")) {
            st.bind(1, root.pid()).bind(2, root.startTicks()).bind(3, member.pid()).bind(4, member.startTicks());
            st.executeUpdate();
        }
    }

    /** The members of the group rooted at {@code root} known to have left its session. */
    public List<Pid> escapees(Pid root) {
        List<Pid> out = new ArrayList<>();
        try (SqliteStatement st = db.prepare("SELECT pid, start_ticks FROM escapee WHERE root_pid = ? AND root_start = ?")) {
            st.bind(1, root.pid()).bind(2, root.startTicks());
            while (st.step()) {
                out.add(new Pid((int) st.getLong(0), st.getLong(1)));
            }
        }
        return out;
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        try (SqliteStatement st = db.prepare("SELECT pid, start_ticks, originator, audit_tag, argv0 FROM live_group")) {
            while (st.step()) {
                out.add(new Entry((int) st.getLong(0), st.getLong(1), st.getString(2), st.getString(3), st.getString(4)));
            }
        }
        return out;
    }

    /** The database, shared with {@link Apps} so a change and its record commit together. */
    Sqlite db() {
        return db;
    }

    @Override
    public void close() {
        db.close();
    }
}
