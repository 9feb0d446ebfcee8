package io.steward.sys;

/**
 * A failed SQLite call: names the call, with the SQL or file it was about, and SQLite's own
 * message, e.g. {@code sqlite3_prepare_v2(INSERT INTO x ...): no such table: x}.
 */
public final class SqliteException extends RuntimeException {
    /** The {@link #code} when libsqlite3.so.0 itself could not be loaded: no SQLite call was made. */
    public static final int NO_LIBRARY = -1;
    /** Primary result code: another connection held the lock longer than the busy timeout. */
    public static final int BUSY = 5;
    /** Primary result code: the database file is malformed. */
    public static final int CORRUPT = 11;
    /** Primary result code: a write found the disk (or the file system's quota) full. */
    public static final int FULL = 13;
    /** Primary result code: a UNIQUE, NOT NULL, CHECK or foreign key constraint failed. */
    public static final int CONSTRAINT = 19;
    /** Primary result code: the file is not a database. */
    public static final int NOTADB = 26;

    private final String call;
    private final int code;

    SqliteException(String call, int code, String detail) {
        this(call, code, detail, null);
    }

    SqliteException(String call, int code, String detail, Throwable cause) {
        super(call + ": " + detail, cause);
        this.call = call;
        this.code = code;
    }

    /** The call that failed, with its most telling argument, e.g. {@code sqlite3_step(DELETE FROM jobs)}. */
    public String call() {
        return call;
    }

    /** SQLite's extended result code, e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE; or {@link #NO_LIBRARY}. */
    public int code() {
        return code;
    }

    /** The primary result code (the low byte of {@link #code}), e.g. {@link #CONSTRAINT}. */
    public int primaryCode() {
        return code < 0 ? code : code & 0xff;
    }
}
