package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One connection to an SQLite database file through the system libsqlite3.so.0 (package
 * libsqlite3-0). Opened in WAL mode with {@code synchronous=NORMAL}: a committed transaction
 * survives the process being killed at any instant, SIGKILL included; a power loss or kernel
 * crash may lose the last commits but never corrupts the file. Waits up to
 * {@link #BUSY_TIMEOUT_MILLIS} for other connections' locks before failing with
 * {@link SqliteException#BUSY}.
 *
 * <p>Thread safety: every method holds this object's monitor, and so do the methods of the
 * {@link SqliteStatement}s it prepared, so calls never interleave. A {@link #transaction} holds it
 * for its whole run, so other threads wait rather than slip statements into it. A statement walks
 * its rows one call at a time, so keep each statement to the one thread that uses it.
 *
 * <p>Closing the connection finalizes the statements still open.
 */
public final class Sqlite implements AutoCloseable {
    /** How long a call waits for another connection's lock before failing with SQLITE_BUSY. */
    public static final int BUSY_TIMEOUT_MILLIS = 5000;

    private static final int MAX_SQL_SHOWN = 40;

    private final Path file;
    private final Set<SqliteStatement> statements = new LinkedHashSet<>();
    private MemorySegment db;

    private Sqlite(Path file, MemorySegment db) {
        this.file = file;
        this.db = db;
    }

    /** The version of the loaded SQLite library, e.g. {@code 3.40.1}. */
    public static String version() {
        SqliteLib.require();
        return SqliteLib.libversion();
    }

    /**
     * Opens {@code file} read-write, creating it if needed, and switches it to WAL mode.
     *
     * @throws SqliteException when the file cannot be opened, is not a database, cannot use
     *     WAL, or libsqlite3.so.0 is missing
     */
    public static Sqlite open(Path file) {
        SqliteLib.require();
        Path absolute = file.toAbsolutePath();
        String name = absolute.toString();
        requireNoNul(name);
        MemorySegment handle;
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ppDb = arena.allocate(ValueLayout.ADDRESS);
            rc = SqliteLib.openV2(arena.allocateFrom(name), ppDb,
                    SqliteLib.OPEN_READWRITE | SqliteLib.OPEN_CREATE | SqliteLib.OPEN_FULLMUTEX);
            handle = ppDb.get(ValueLayout.ADDRESS, 0);
        }
        if (rc != SqliteLib.OK) {
            String detail = handle.equals(MemorySegment.NULL) ? SqliteLib.errstr(rc) : SqliteLib.errmsg(handle);
            SqliteLib.closeV2(handle);
            throw new SqliteException("sqlite3_open_v2(" + name + ")", rc, detail);
        }
        Sqlite sqlite = new Sqlite(absolute, handle);
        try {
            SqliteLib.extendedResultCodes(handle, 1);
            sqlite.check("sqlite3_busy_timeout", SqliteLib.busyTimeout(handle, BUSY_TIMEOUT_MILLIS));
            String mode;
            try (SqliteStatement pragma = sqlite.prepare("PRAGMA journal_mode=WAL")) {
                mode = pragma.step() ? pragma.getString(0) : null;
            }
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new SqliteException("PRAGMA journal_mode=WAL", SqliteLib.ERROR, "journal mode stayed " + mode);
            }
            sqlite.exec("PRAGMA synchronous=NORMAL");
        } catch (SqliteException e) {
            try {
                sqlite.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw new SqliteException("open(" + name + ")", e.code(), e.getMessage(), e);
        }
        return sqlite;
    }

    /** The absolute path of the database file. */
    public Path file() {
        return file;
    }

    /** Runs one or more {@code ;}-separated statements that take no parameters; rows are discarded. */
    public synchronized void exec(String sql) {
        MemorySegment h = handle();
        requireNoNul(sql);
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = SqliteLib.exec(h, arena.allocateFrom(sql));
        }
        check("sqlite3_exec(" + abbreviate(sql) + ")", rc);
    }

    /**
     * Compiles one statement. Close it when done, or let {@link #close} do it.
     *
     * @throws IllegalArgumentException when {@code sql} holds no statement or more than one
     */
    public synchronized SqliteStatement prepare(String sql) {
        MemorySegment h = handle();
        requireNoNul(sql);
        String shown = abbreviate(sql);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(sql);
            if (text.byteSize() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("SQL too long: " + shown);
            }
            MemorySegment ppStmt = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment pzTail = arena.allocate(ValueLayout.ADDRESS);
            int rc = SqliteLib.prepareV2(h, text, (int) text.byteSize(), ppStmt, pzTail);
            MemorySegment stmt = ppStmt.get(ValueLayout.ADDRESS, 0);
            if (rc != SqliteLib.OK) {
                SqliteLib.finalizeStatement(stmt);
                throw error("sqlite3_prepare_v2(" + shown + ")", rc);
            }
            if (stmt.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("no SQL statement in: " + shown);
            }
            long used = pzTail.get(ValueLayout.ADDRESS, 0).address() - text.address();
            rc = SqliteLib.prepareV2(h, text.asSlice(used), (int) (text.byteSize() - used), ppStmt, MemorySegment.NULL);
            MemorySegment next = ppStmt.get(ValueLayout.ADDRESS, 0);
            if (rc != SqliteLib.OK || !next.equals(MemorySegment.NULL)) {
                SqliteLib.finalizeStatement(next);
                SqliteLib.finalizeStatement(stmt);
                throw new IllegalArgumentException("prepare takes one statement (exec runs several): " + shown);
            }
            SqliteStatement statement = new SqliteStatement(this, stmt, shown);
            statements.add(statement);
            return statement;
        }
    }

    /**
     * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction and commits it, or rolls it back
     * when {@code work} throws, rethrowing what it threw. The write lock is taken up front, so
     * the commit never fails for a lock. Transactions do not nest.
     *
     * @throws IllegalStateException when a transaction is already open on this connection
     */
    public synchronized <T> T transaction(Supplier<T> work) {
        if (!SqliteLib.autocommit(handle())) {
            throw new IllegalStateException("a transaction is already open on " + file);
        }
        exec("BEGIN IMMEDIATE");
        T result;
        try {
            result = work.get();
        } catch (Throwable t) {
            rollbackAfter(t);
            throw t;
        }
        try {
            exec("COMMIT");
        } catch (RuntimeException e) {
            rollbackAfter(e);
            throw e;
        }
        return result;
    }

    /** {@link #transaction} for work that returns nothing. */
    public void inTransaction(Runnable work) {
        transaction(() -> {
            work.run();
            return null;
        });
    }

    /** Rolls back unless SQLite already did (it does on some errors) or the connection was closed. */
    private void rollbackAfter(Throwable failure) {
        if (db.equals(MemorySegment.NULL) || SqliteLib.autocommit(db)) {
            return;
        }
        try {
            exec("ROLLBACK");
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The rowid of the most recent successful INSERT on this connection. */
    public synchronized long lastInsertRowid() {
        return SqliteLib.lastInsertRowid(handle());
    }

    /** Rows changed by the most recent INSERT, UPDATE or DELETE on this connection. */
    public synchronized int changes() {
        return SqliteLib.changes(handle());
    }

    /** Finalizes the open statements and closes the connection; an open transaction is rolled back. */
    @Override
    public synchronized void close() {
        if (db.equals(MemorySegment.NULL)) {
            return;
        }
        for (SqliteStatement statement : List.copyOf(statements)) {
            statement.close();
        }
        MemorySegment h = db;
        db = MemorySegment.NULL;
        int rc = SqliteLib.closeV2(h);
        if (rc != SqliteLib.OK) {
            throw new SqliteException("sqlite3_close_v2(" + file + ")", rc, SqliteLib.errstr(rc));
        }
    }

    @Override
    public String toString() {
        return "Sqlite[" + file + "]";
    }

    /** The connection handle; callers hold the monitor. */
    MemorySegment handle() {
        if (db.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("database closed: " + file);
        }
        return db;
    }

    void forget(SqliteStatement statement) {
        statements.remove(statement);
    }

    void check(String call, int rc) {
        if (rc != SqliteLib.OK) {
            throw error(call, rc);
        }
    }

    /** An exception for {@code rc}, with the connection's message when it is about this failure. */
    SqliteException error(String call, int rc) {
        String detail = null;
        if (!db.equals(MemorySegment.NULL) && (SqliteLib.extendedErrcode(db) & 0xff) == (rc & 0xff)) {
            detail = SqliteLib.errmsg(db);
        }
        return new SqliteException(call, rc, detail != null ? detail : SqliteLib.errstr(rc));
    }

    /** {@code sql} on one line, cut to about 40 characters, for messages. */
    static String abbreviate(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        if (s.length() <= MAX_SQL_SHOWN) {
            return s;
        }
        int cut = s.lastIndexOf(' ', MAX_SQL_SHOWN);
        if (cut < MAX_SQL_SHOWN / 2) {
            cut = Character.isHighSurrogate(s.charAt(MAX_SQL_SHOWN - 1)) ? MAX_SQL_SHOWN - 1 : MAX_SQL_SHOWN;
        }
        return s.substring(0, cut) + " ...";
    }

    private static void requireNoNul(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL character in " + abbreviate(s.replace('\0', ' ')));
        }
    }
}
