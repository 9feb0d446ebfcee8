package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the system SQLite, libsqlite3.so.0. The library is looked up once; when it is
 * missing the handles stay null and {@link #require} throws a {@link SqliteException} saying which
 * package to install. The wrappers return SQLite's result codes unchanged; {@link Sqlite} and
 * {@link SqliteStatement} turn them into exceptions.
 */
final class SqliteLib {
    static final String LIBRARY = "libsqlite3.so.0";
    static final String PACKAGE = "libsqlite3-0";

    static final int OK = 0;
    static final int ERROR = 1;
    static final int NOMEM = 7;
    static final int ROW = 100;
    static final int DONE = 101;
    static final int TYPE_NULL = 5;
    static final int OPEN_READWRITE = 0x2;
    static final int OPEN_CREATE = 0x4;
    static final int OPEN_FULLMUTEX = 0x10000;
    /** The SQLITE_TRANSIENT destructor, {@code (void *) -1}: SQLite copies the bound value before the call returns. */
    static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);

    private static final Throwable LOAD_FAILURE;
    private static final SymbolLookup LIB;

    static {
        SymbolLookup lib = null;
        Throwable failure = null;
        try {
            lib = lookup(LIBRARY);
        } catch (SqliteException e) {
            failure = e.getCause();
        }
        LIB = lib;
        LOAD_FAILURE = failure;
    }

    private static final MethodHandle LIBVERSION = fn("sqlite3_libversion", FunctionDescriptor.of(PTR));
    private static final MethodHandle OPEN_V2 = fn("sqlite3_open_v2", FunctionDescriptor.of(INT, PTR, PTR, INT, PTR));
    private static final MethodHandle CLOSE_V2 = fn("sqlite3_close_v2", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle EXTENDED_RESULT_CODES =
            fn("sqlite3_extended_result_codes", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle BUSY_TIMEOUT = fn("sqlite3_busy_timeout", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle EXEC = fn("sqlite3_exec", FunctionDescriptor.of(INT, PTR, PTR, PTR, PTR, PTR));
    private static final MethodHandle ERRMSG = fn("sqlite3_errmsg", FunctionDescriptor.of(PTR, PTR));
    private static final MethodHandle EXTENDED_ERRCODE = fn("sqlite3_extended_errcode", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle ERRSTR = fn("sqlite3_errstr", FunctionDescriptor.of(PTR, INT));
    private static final MethodHandle LAST_INSERT_ROWID = fn("sqlite3_last_insert_rowid", FunctionDescriptor.of(LONG, PTR));
    private static final MethodHandle CHANGES = fn("sqlite3_changes", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle GET_AUTOCOMMIT = fn("sqlite3_get_autocommit", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle PREPARE_V2 =
            fn("sqlite3_prepare_v2", FunctionDescriptor.of(INT, PTR, PTR, INT, PTR, PTR));
    private static final MethodHandle STEP = fn("sqlite3_step", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle RESET = fn("sqlite3_reset", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle CLEAR_BINDINGS = fn("sqlite3_clear_bindings", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle FINALIZE = fn("sqlite3_finalize", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle BIND_INT64 = fn("sqlite3_bind_int64", FunctionDescriptor.of(INT, PTR, INT, LONG));
    private static final MethodHandle BIND_TEXT =
            fn("sqlite3_bind_text", FunctionDescriptor.of(INT, PTR, INT, PTR, INT, PTR));
    private static final MethodHandle BIND_BLOB =
            fn("sqlite3_bind_blob", FunctionDescriptor.of(INT, PTR, INT, PTR, INT, PTR));
    private static final MethodHandle BIND_NULL = fn("sqlite3_bind_null", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle COLUMN_COUNT = fn("sqlite3_column_count", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle DATA_COUNT = fn("sqlite3_data_count", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle COLUMN_TYPE = fn("sqlite3_column_type", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle COLUMN_INT64 = fn("sqlite3_column_int64", FunctionDescriptor.of(LONG, PTR, INT));
    private static final MethodHandle COLUMN_TEXT = fn("sqlite3_column_text", FunctionDescriptor.of(PTR, PTR, INT));
    private static final MethodHandle COLUMN_BLOB = fn("sqlite3_column_blob", FunctionDescriptor.of(PTR, PTR, INT));
    private static final MethodHandle COLUMN_BYTES = fn("sqlite3_column_bytes", FunctionDescriptor.of(INT, PTR, INT));

    private SqliteLib() {}

    /** Loads {@code library}, or throws a {@link SqliteException} saying it is needed and which package has it. */
    static SymbolLookup lookup(String library) {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw missing(library, e);
        }
    }

    /** Throws unless libsqlite3.so.0 was loaded; every way into SQLite passes here first. */
    static void require() {
        if (LIB == null) {
            throw missing(LIBRARY, LOAD_FAILURE);
        }
    }

    private static SqliteException missing(String library, Throwable cause) {
        return new SqliteException("dlopen(" + library + ")", SqliteException.NO_LIBRARY,
                library + " (SQLite 3) is needed but could not be loaded; install the package " + PACKAGE, cause);
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        if (LIB == null) {
            return null;
        }
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name + "; it is too old"));
        return Native.LINKER.downcallHandle(symbol, fd);
    }

    /** The NUL-terminated UTF-8 string at {@code p}, or null for a NULL pointer. */
    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static String libversion() {
        try {
            return string((MemorySegment) LIBVERSION.invokeExact());
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int openV2(MemorySegment filename, MemorySegment ppDb, int flags) {
        try {
            return (int) OPEN_V2.invokeExact(filename, ppDb, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int closeV2(MemorySegment db) {
        try {
            return (int) CLOSE_V2.invokeExact(db);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int extendedResultCodes(MemorySegment db, int on) {
        try {
            return (int) EXTENDED_RESULT_CODES.invokeExact(db, on);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int busyTimeout(MemorySegment db, int millis) {
        try {
            return (int) BUSY_TIMEOUT.invokeExact(db, millis);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Runs every statement in {@code sql} with no row callback; the message is left in {@link #errmsg}. */
    static int exec(MemorySegment db, MemorySegment sql) {
        try {
            return (int) EXEC.invokeExact(db, sql, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static String errmsg(MemorySegment db) {
        try {
            return string((MemorySegment) ERRMSG.invokeExact(db));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int extendedErrcode(MemorySegment db) {
        try {
            return (int) EXTENDED_ERRCODE.invokeExact(db);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static String errstr(int rc) {
        try {
            return string((MemorySegment) ERRSTR.invokeExact(rc));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static long lastInsertRowid(MemorySegment db) {
        try {
            return (long) LAST_INSERT_ROWID.invokeExact(db);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int changes(MemorySegment db) {
        try {
            return (int) CHANGES.invokeExact(db);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static boolean autocommit(MemorySegment db) {
        try {
            return (int) GET_AUTOCOMMIT.invokeExact(db) != 0;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int prepareV2(MemorySegment db, MemorySegment sql, int bytes, MemorySegment ppStmt, MemorySegment pzTail) {
        try {
            return (int) PREPARE_V2.invokeExact(db, sql, bytes, ppStmt, pzTail);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int step(MemorySegment stmt) {
        return call(STEP, stmt);
    }

    /** Rewinds; its result repeats the last step's error, which was already reported. */
    static int reset(MemorySegment stmt) {
        return call(RESET, stmt);
    }

    static int clearBindings(MemorySegment stmt) {
        return call(CLEAR_BINDINGS, stmt);
    }

    static int finalizeStatement(MemorySegment stmt) {
        return call(FINALIZE, stmt);
    }

    static int columnCount(MemorySegment stmt) {
        return call(COLUMN_COUNT, stmt);
    }

    /** Columns in the current row; 0 when the statement is not on a row. */
    static int dataCount(MemorySegment stmt) {
        return call(DATA_COUNT, stmt);
    }

    private static int call(MethodHandle handle, MemorySegment stmt) {
        try {
            return (int) handle.invokeExact(stmt);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int bindInt64(MemorySegment stmt, int index, long value) {
        try {
            return (int) BIND_INT64.invokeExact(stmt, index, value);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Binds {@code bytes} bytes of UTF-8 at {@code text}; SQLite copies them before returning. */
    static int bindText(MemorySegment stmt, int index, MemorySegment text, int bytes) {
        try {
            return (int) BIND_TEXT.invokeExact(stmt, index, text, bytes, TRANSIENT);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Binds a blob; {@code data} must not be NULL, which SQLite would bind as SQL NULL. */
    static int bindBlob(MemorySegment stmt, int index, MemorySegment data, int bytes) {
        try {
            return (int) BIND_BLOB.invokeExact(stmt, index, data, bytes, TRANSIENT);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int bindNull(MemorySegment stmt, int index) {
        try {
            return (int) BIND_NULL.invokeExact(stmt, index);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static int columnType(MemorySegment stmt, int column) {
        return column(COLUMN_TYPE, stmt, column);
    }

    static int columnBytes(MemorySegment stmt, int column) {
        return column(COLUMN_BYTES, stmt, column);
    }

    private static int column(MethodHandle handle, MemorySegment stmt, int column) {
        try {
            return (int) handle.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static long columnInt64(MemorySegment stmt, int column) {
        try {
            return (long) COLUMN_INT64.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The value as UTF-8 text, valid until the next step, reset or finalize; read its length after. */
    static MemorySegment columnText(MemorySegment stmt, int column) {
        try {
            return (MemorySegment) COLUMN_TEXT.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The value as bytes, valid until the next step, reset or finalize; NULL for an empty blob. */
    static MemorySegment columnBlob(MemorySegment stmt, int column) {
        try {
            return (MemorySegment) COLUMN_BLOB.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
