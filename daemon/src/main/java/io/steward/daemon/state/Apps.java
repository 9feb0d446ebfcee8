package io.steward.daemon.state;

import io.steward.api.Json;
import io.steward.sys.Sqlite;
import io.steward.sys.SqliteStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The desired state of named sessions, in the same SQLite database as the journal: what each was
 * started with, whether it is meant to run (a user's stop says no, and so does an end by itself
 * that its restart policy let stand), and whether it is in the saved set. It is written in the
 * transaction of the change it records, so a daemon SIGKILLed right after a start or a stop never
 * remembers otherwise; {@code resurrect} starts the saved apps meant to run. Apps started by
 * {@code apply} from an apps file are marked managed: the next apply stops those its file no
 * longer has, and never touches the others. Each app also keeps its place among the others (the
 * file's {@code after}, {@code readyPort} and {@code readyTimeoutMs}), so resurrect starts them in
 * the order, and at the pace, apply did.
 */
public final class Apps {
    /** How long apps wait for a dependency to be ready unless it says otherwise. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    /** Whether an app is meant to run. */
    public enum Desired {
        /** Started and not stopped since: resurrect starts it when it does not run. */
        RUNNING("running"),
        /** A user stopped it (or an apply that dropped it from the file): it stays stopped. */
        STOPPED("stopped"),
        /** It ended by itself and its restart policy let that stand (done, or errored): nothing to bring back. */
        ENDED("ended");

        final String column;

        Desired(String column) {
            this.column = column;
        }

        static Desired of(String column) {
            for (Desired d : values()) {
                if (d.column.equals(column)) {
                    return d;
                }
            }
            throw new IllegalStateException("app.desired holds '" + column + "'");
        }
    }

    /**
     * Where a named session came from: {@code steward run} ({@link #RUN}), or an apps file with the
     * apps it comes after, the port that says it is ready and how long its dependents wait for that.
     */
    public record Source(boolean managed, List<String> after, int readyPort, Duration readyTimeout) {
        public static final Source RUN = new Source(false, List.of(), 0, DEFAULT_READY_TIMEOUT);

        public Source {
            after = List.copyOf(after);
        }
    }

    /** An app: its name, its run request as it came, whether it is meant to run, and where it came from. */
    public record App(String name, Map<String, Object> request, Desired desired, Source source) {
        /** Meant to be running. */
        public boolean running() {
            return desired == Desired.RUNNING;
        }

        /** Started by an apply, from an apps file. */
        public boolean managed() {
            return source.managed();
        }
    }

    /** The columns {@link #app} reads, before a condition. */
    private static final String SELECT =
            "SELECT name, request, desired, managed, after_apps, ready_port, ready_timeout_ms FROM app WHERE ";

    private final Sqlite db;

    Apps(Sqlite db) {
        this.db = db;
        db.exec("CREATE TABLE IF NOT EXISTS app ("
                + " name TEXT PRIMARY KEY, request TEXT NOT NULL, desired TEXT NOT NULL,"
                + " saved INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,"
                + " managed INTEGER NOT NULL DEFAULT 0)");
        // A database written before apply existed: nothing in it came from an apps file, and no
        // app waits for another.
        addColumn("managed", "INTEGER NOT NULL DEFAULT 0");
        addColumn("after_apps", "TEXT NOT NULL DEFAULT '[]'");
        addColumn("ready_port", "INTEGER NOT NULL DEFAULT 0");
        addColumn("ready_timeout_ms", "INTEGER NOT NULL DEFAULT " + DEFAULT_READY_TIMEOUT.toMillis());
    }

    private void addColumn(String column, String type) {
        if (!hasColumn("app", column)) {
            db.exec("ALTER TABLE app ADD COLUMN " + column + " " + type);
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
     * A named session started: it is meant to run, with this request, from this source (a
     * {@code run} of an apps file's name takes it out of the file's hands).
     */
    void started(String name, Map<String, Object> request, Source source) {
        try (SqliteStatement st = db.prepare("INSERT INTO app (name, request, desired, updated_at, managed,"
                + " after_apps, ready_port, ready_timeout_ms) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET request = excluded.request, desired = 'running',"
                + " updated_at = excluded.updated_at, managed = excluded.managed, after_apps = excluded.after_apps,"
                + " ready_port = excluded.ready_port, ready_timeout_ms = excluded.ready_timeout_ms")) {
            st.bind(1, name).bind(2, Json.write(request)).bind(3, System.currentTimeMillis());
            bindSource(st, 4, source);
            st.executeUpdate();
        }
    }

    /** An apply left the app running as it was, with this place among the file's apps (which may have moved). */
    void placed(String name, Source source) {
        try (SqliteStatement st = db.prepare("UPDATE app SET managed = ?, after_apps = ?, ready_port = ?,"
                + " ready_timeout_ms = ?, updated_at = ? WHERE name = ?")) {
            bindSource(st, 1, source);
            st.bind(5, System.currentTimeMillis()).bind(6, name);
            st.executeUpdate();
        }
    }

    private static void bindSource(SqliteStatement st, int first, Source source) {
        st.bind(first, source.managed() ? 1 : 0).bind(first + 1, Json.write(source.after()))
                .bind(first + 2, source.readyPort()).bind(first + 3, source.readyTimeout().toMillis());
    }

    /** The app of this name, or null. */
    public App find(String name) {
        try (SqliteStatement st = db.prepare(SELECT + "name = ?")) {
            st.bind(1, name);
            return st.step() ? app(st) : null;
        }
    }

    /** The apps an apply started, by name. */
    public List<App> managed() {
        return list("managed = 1");
    }

    /** The apps file no longer has it: apply leaves it alone from now on. */
    void unmanage(String name) {
        try (SqliteStatement st = db.prepare("UPDATE app SET managed = 0, updated_at = ? WHERE name = ?")) {
            st.bind(1, System.currentTimeMillis()).bind(2, name);
            st.executeUpdate();
        }
    }

    @SuppressWarnings("unchecked")
    private static App app(SqliteStatement st) {
        Map<String, Object> request = (Map<String, Object>) Json.parse(st.getString(1));
        List<String> after = (List<String>) Json.parse(st.getString(4));
        Source source = new Source(st.getLong(3) != 0, after, (int) st.getLong(5), Duration.ofMillis(st.getLong(6)));
        return new App(st.getString(0), request, Desired.of(st.getString(2)), source);
    }

    /** Someone stopped it: resurrect leaves it alone. */
    void stopped(String name) {
        desire(name, Desired.STOPPED);
    }

    /** A user restarted it: it is meant to run again. */
    void restarted(String name) {
        desire(name, Desired.RUNNING);
    }

    /** It ended by itself for good: it is not meant to run any more, and resurrect leaves it alone. */
    void ended(String name) {
        desire(name, Desired.ENDED);
    }

    private void desire(String name, Desired desired) {
        try (SqliteStatement st = db.prepare("UPDATE app SET desired = ?, updated_at = ? WHERE name = ?")) {
            st.bind(1, desired.column).bind(2, System.currentTimeMillis()).bind(3, name);
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
    public int save(List<String> names) {
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
    public List<App> saved() {
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
