package io.steward.daemon.state;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.SqliteException;
import java.nio.file.Path;

/**
 * What a failure of {@code state.db} tells a user, in one line: a full disk is {@code disk-full}
 * and says where, a damaged file says how to start again, anything else stays {@code internal}
 * with SQLite's own words.
 */
public final class StateFailures {
    private StateFailures() {}

    /**
     * The failure of {@code doing} (e.g. "record the start of 'sleep'") on the database {@code file};
     * a {@link StewardException} that is not about the database passes through unchanged.
     */
    public static StewardException of(RuntimeException e, Path file, String doing) {
        if (e instanceof StewardException se) {
            return se;
        }
        SqliteException sql = sqliteCause(e);
        if (sql == null) {
            return new StewardException(ErrorCode.INTERNAL, "cannot " + doing + ": " + e, e);
        }
        return switch (sql.primaryCode()) {
            case SqliteException.FULL -> new StewardException(ErrorCode.DISK_FULL, "disk full: cannot " + doing
                    + " in " + file + " (SQLITE_FULL); free space on its file system and try again", e);
            case SqliteException.CORRUPT, SqliteException.NOTADB -> corrupt(file, sql.primaryCode(), e);
            default -> new StewardException(ErrorCode.INTERNAL, "cannot " + doing + " in " + file + ": "
                    + sql.getMessage(), e);
        };
    }

    /**
     * The one line a damaged state database gets: which file, and what to do.
     *
     * @param primaryCode {@link SqliteException#NOTADB} or {@link SqliteException#CORRUPT}
     */
    static StewardException corrupt(Path file, int primaryCode, Throwable cause) {
        String name = primaryCode == SqliteException.NOTADB ? "SQLITE_NOTADB" : "SQLITE_CORRUPT";
        return new StewardException(ErrorCode.INTERNAL, "state database " + file + " is corrupt (" + name
                + "): move it aside and start again", cause);
    }

    private static SqliteException sqliteCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SqliteException s) {
                return s;
            }
        }
        return null;
    }
}
