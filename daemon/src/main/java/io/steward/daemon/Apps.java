package io.steward.daemon;

import io.steward.api.Json;
import io.steward.sys.Sqlite;
import io.steward.sys.SqliteStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The desired state of named sessions, in the same SQLite database as the journal: what each was
 * started with, whether it is meant to run (a user's stop says no), and whether it is in the saved
 * set. It is written in the transaction of the change it records, so a daemon SIGKILLed right after
 * a start or a stop never remembers otherwise; {@code resurrect} starts the saved apps meant to run.
 * Apps started by {@code apply} from an apps file are marked managed: the next apply stops those
 * its file no longer has, and never touches the others.
 */
final class Apps {
    /**
     * An app: its name, its run request as it came, whether it is meant to be running, and whether
     * it came from an apps file ({@code apply}).
     */
    record App(String name, Map<String, Object> request, boolean running, boolean managed) {}

    /** The columns {@link #app} reads, before a condition. */
    private static final String SELECT = "SELECT name, request, desired, managed FROM app WHERE ";

    private final Sqlite db;

    Apps(Sqlite db) {
        this.db = db;
        db.exec("CREATE TABLE IF NOT EXISTS app ("
                + " name TEXT PRIMARY KEY, request TEXT NOT NULL, desired TEXT NOT NULL,"
                + " saved INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,"
                + " managed INTEGER NOT NULL DEFAULT 0)");
        if (!hasColumn("app", "managed")) {
            // a database written before apply existed: nothing in it came from an apps file
            db.exec("ALTER TABLE app ADD COLUMN managed INTEGER NOT NULL DEFAULT 0");
        }
    }

    private boolean hasColumn(String table, String column) {
        try (SqliteStatement st = db.prepare("PRAGMA table_info(" + table + ")")) {
            while (st.step()) {
                if (column.equals(st.getString(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A named session started: it is meant to run, with this request; {@code managed} when an apply
     * started it (a {@code run} of the same name takes it out of the apps file's hands).
     */
    void started(String name, Map<String, Object> request, boolean managed) {
        try (SqliteStatement st = db.prepare("INSERT INTO app (name, request, desired, updated_at, managed)"
                + " VALUES (?, ?, 'running', ?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET request = excluded.request, desired = 'running',"
                + " updated_at = excluded.updated_at, managed = excluded.managed")) {
            st.bind(1, name).bind(2, Json.write(request)).bind(3, System.currentTimeMillis()).bind(4, managed ? 1 : 0);
            st.executeUpdate();
        }
    }

    /** The app of this name, or null. */
    App find(String name) {
        try (SqliteStatement st = db.prepare(SELECT + "name = ?")) {
            st.bind(1, name);
            return st.step() ? app(st) : null;
        }
    }

    /** The apps an apply started, by name. */
    List<App> managed() {
        return list("managed = 1");
    }

    /** The apps file no longer has it: apply leaves it alone from now on. */
    void unmanage(String name) {
        try (SqliteStatement st = db.prepare("UPDATE app SET managed = 0, updated_at = ? WHERE name = ?")) {
            st.bind(1, System.currentTimeMillis()).bind(2, name);
            st.executeUpdate();
        }
    }

    private static App app(SqliteStatement st) {
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) Json.parse(st.getString(1));
        return new App(st.getString(0), request, st.getString(2).equals("running"), st.getLong(3) != 0);
    }

    /** Someone stopped it: resurrect leaves it alone. */
    void stopped(String name) {
        try (SqliteStatement st = db.prepare("UPDATE app SET desired = 'stopped', updated_at = ? WHERE name = ?")) {
            st.bind(1, System.currentTimeMillis()).bind(2, name);
            st.executeUpdate();
        }
    }

    /** It was removed: it is no app any more. */
    void removed(String name) {
        try (SqliteStatement st = db.prepare("DELETE FROM app WHERE name = ?")) {
            st.bind(1, name);
            st.executeUpdate();
        }
    }

    /** Makes {@code names} the saved set; returns how many apps it holds. */
    int save(List<String> names) {
        return db.transaction(() -> {
            db.exec("UPDATE app SET saved = 0");
            int n = 0;
            for (String name : names) {
                try (SqliteStatement st = db.prepare("UPDATE app SET saved = 1 WHERE name = ?")) {
                    st.bind(1, name);
                    n += st.executeUpdate();
                }
            }
            return n;
        });
    }

    /** True when the app of this name is in the saved set. */
    boolean isSaved(String name) {
        try (SqliteStatement st = db.prepare("SELECT saved FROM app WHERE name = ?")) {
            st.bind(1, name);
            return st.step() && st.getLong(0) != 0;
        }
    }

    /** The saved set. */
    List<App> saved() {
        return list("saved = 1");
    }

    /** The apps matching {@code where} (a constant condition, never input), by name. */
    private List<App> list(String where) {
        List<App> out = new ArrayList<>();
        try (SqliteStatement st = db.prepare(SELECT + where + " ORDER BY name")) {
            while (st.step()) {
                out.add(app(st));
            }
        }
        return out;
    }
}
