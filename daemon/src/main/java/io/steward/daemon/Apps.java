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
 */
final class Apps {
    /** A saved app: its name, its run request as it came, and whether it is meant to be running. */
    record App(String name, Map<String, Object> request, boolean running) {}

    private final Sqlite db;

    Apps(Sqlite db) {
        this.db = db;
        db.exec("CREATE TABLE IF NOT EXISTS app ("
                + " name TEXT PRIMARY KEY, request TEXT NOT NULL, desired TEXT NOT NULL,"
                + " saved INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)");
    }

    /** A named session started: it is meant to run, with this request. */
    void started(String name, Map<String, Object> request) {
        try (SqliteStatement st = db.prepare("INSERT INTO app (name, request, desired, updated_at) VALUES (?, ?, 'running', ?)"
                + " ON CONFLICT(name) DO UPDATE SET request = excluded.request, desired = 'running',"
                + " updated_at = excluded.updated_at")) {
            st.bind(1, name).bind(2, Json.write(request)).bind(3, System.currentTimeMillis());
            st.executeUpdate();
        }
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

    /** The saved set. */
    List<App> saved() {
        List<App> out = new ArrayList<>();
        try (SqliteStatement st = db.prepare("SELECT name, request, desired FROM app WHERE saved = 1 ORDER BY name")) {
            while (st.step()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> request = (Map<String, Object>) Json.parse(st.getString(1));
                out.add(new App(st.getString(0), request, st.getString(2).equals("running")));
            }
        }
        return out;
    }
}
