package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * One compiled SQL statement of a {@link Sqlite} connection. Parameters are numbered from 1
 * ({@code ?} or {@code ?NNN}), result columns from 0. Every method holds the connection's monitor;
 * see {@link Sqlite} for threads.
 *
 * <p>A query that was stepped but not run to its end keeps a read snapshot open, which stops the
 * WAL from being checkpointed: {@link #reset} or {@link #close} it when done.
 */
public final class SqliteStatement implements AutoCloseable {
    private final Sqlite db;
    private final String sql;
    private MemorySegment stmt;

    SqliteStatement(Sqlite db, MemorySegment stmt, String sql) {
        this.db = db;
        this.stmt = stmt;
        this.sql = sql;
    }

    public SqliteStatement bind(int index, long value) {
        synchronized (db) {
            checkBind("sqlite3_bind_int64", index, SqliteLib.bindInt64(handle(), index, value));
        }
        return this;
    }

    /** Binds text, stored as UTF-8; null binds SQL NULL. */
    public SqliteStatement bind(int index, String value) {
        if (value == null) {
            return bindNull(index);
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        synchronized (db) {
            MemorySegment h = handle();
            try (Arena arena = Arena.ofConfined()) {
                checkBind("sqlite3_bind_text", index, SqliteLib.bindText(h, index, copy(arena, utf8), utf8.length));
            }
        }
        return this;
    }

    /** Binds a blob; an empty array is an empty blob and null binds SQL NULL. */
    public SqliteStatement bind(int index, byte[] value) {
        if (value == null) {
            return bindNull(index);
        }
        synchronized (db) {
            MemorySegment h = handle();
            try (Arena arena = Arena.ofConfined()) {
                checkBind("sqlite3_bind_blob", index, SqliteLib.bindBlob(h, index, copy(arena, value), value.length));
            }
        }
        return this;
    }

    public SqliteStatement bindNull(int index) {
        synchronized (db) {
            checkBind("sqlite3_bind_null", index, SqliteLib.bindNull(handle(), index));
        }
        return this;
    }

    /** Never a NULL pointer, even for no bytes: SQLite would take NULL for SQL NULL. */
    private static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private void checkBind(String call, int index, int rc) {
        if (rc != SqliteLib.OK) {
            throw db.error(call + "(" + sql + ", " + index + ")", rc);
        }
    }

    /**
     * Advances to the next result row.
     *
     * @return true on a row, false when the statement has run to its end
     * @throws SqliteException on any other result; the statement is then reset
     */
    public boolean step() {
        synchronized (db) {
            MemorySegment h = handle();
            int rc = SqliteLib.step(h);
            if (rc == SqliteLib.ROW) {
                return true;
            }
            if (rc == SqliteLib.DONE) {
                return false;
            }
            SqliteException e = db.error("sqlite3_step(" + sql + ")", rc);
            SqliteLib.reset(h);
            throw e;
        }
    }

    /**
     * Runs the statement to its end and rewinds it, keeping the bindings, so it can run again.
     *
     * @return the rows it inserted, updated or deleted
     */
    public int executeUpdate() {
        synchronized (db) {
            while (step()) {
                // rows of a statement run for its effect are discarded
            }
            int changes = db.changes();
            SqliteLib.reset(handle());
            return changes;
        }
    }

    /** Columns in each result row; 0 for a statement that returns none. */
    public int columnCount() {
        synchronized (db) {
            return SqliteLib.columnCount(handle());
        }
    }

    public boolean isNull(int column) {
        synchronized (db) {
            return SqliteLib.columnType(row(column), column) == SqliteLib.TYPE_NULL;
        }
    }

    /** The column as an integer, 0 for NULL (see {@link #isNull}); text is converted as SQLite does. */
    public long getLong(int column) {
        synchronized (db) {
            return SqliteLib.columnInt64(row(column), column);
        }
    }

    /** The column as text, or null for NULL. */
    public String getString(int column) {
        synchronized (db) {
            MemorySegment h = row(column);
            if (SqliteLib.columnType(h, column) == SqliteLib.TYPE_NULL) {
                return null;
            }
            MemorySegment text = SqliteLib.columnText(h, column);
            if (text.equals(MemorySegment.NULL)) {
                failIfOutOfMemory("sqlite3_column_text", column);
                return "";
            }
            int length = SqliteLib.columnBytes(h, column);
            return new String(text.reinterpret(length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /** The column as bytes, or null for NULL. */
    public byte[] getBytes(int column) {
        synchronized (db) {
            MemorySegment h = row(column);
            if (SqliteLib.columnType(h, column) == SqliteLib.TYPE_NULL) {
                return null;
            }
            MemorySegment blob = SqliteLib.columnBlob(h, column);
            if (blob.equals(MemorySegment.NULL)) {
                failIfOutOfMemory("sqlite3_column_blob", column);
                return new byte[0];
            }
            int length = SqliteLib.columnBytes(h, column);
            return blob.reinterpret(length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** A NULL value pointer means an empty value, unless SQLite ran out of memory making it. */
    private void failIfOutOfMemory(String call, int column) {
        if ((SqliteLib.extendedErrcode(db.handle()) & 0xff) == SqliteLib.NOMEM) {
            throw db.error(call + "(" + sql + ", " + column + ")", SqliteLib.NOMEM);
        }
    }

    /** The handle, once checked that a row is current and has {@code column}: SQLite does not check. */
    private MemorySegment row(int column) {
        MemorySegment h = handle();
        int columns = SqliteLib.dataCount(h);
        if (columns == 0) {
            throw new IllegalStateException("no current row: " + sql);
        }
        if (column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("column " + column + " of " + columns + ": " + sql);
        }
        return h;
    }

    /** Rewinds to run again and clears the bindings to NULL. */
    public void reset() {
        synchronized (db) {
            MemorySegment h = handle();
            SqliteLib.reset(h);
            SqliteLib.clearBindings(h);
        }
    }

    /** Finalizes the statement; closing twice is harmless. */
    @Override
    public void close() {
        synchronized (db) {
            if (stmt.equals(MemorySegment.NULL)) {
                return;
            }
            MemorySegment h = stmt;
            stmt = MemorySegment.NULL;
            db.forget(this);
            SqliteLib.finalizeStatement(h);
        }
    }

    @Override
    public String toString() {
        return "SqliteStatement[" + sql + "]";
    }

    private MemorySegment handle() {
        if (stmt.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("statement closed: " + sql);
        }
        return stmt;
    }
}
