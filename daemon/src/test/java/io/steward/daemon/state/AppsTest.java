package io.steward.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.sys.Sqlite;
import io.steward.sys.SqliteStatement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The app table of {@code state.db}, opened over what older daemons wrote. */
class AppsTest {
    @Test
    void anOlderDatabaseGainsTheColumnsOfApps() throws Exception {
        Path dir = Files.createTempDirectory("steward-apps");
        try (Sqlite db = Sqlite.open(dir.resolve("state.db"))) {
            db.exec("CREATE TABLE app (name TEXT PRIMARY KEY, request TEXT NOT NULL, desired TEXT NOT NULL,"
                    + " saved INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)");
            db.exec("INSERT INTO app VALUES ('old', '{\"argv\":[\"true\"]}', 'running', 1, 0)");
            Apps apps = new Apps(db);
            assertEquals(Apps.Source.RUN, apps.find("old").source(), "not from a file, after nothing");
            assertEquals(Apps.Desired.RUNNING, apps.find("old").desired());
            assertEquals(List.of(), apps.managed());
            Apps.Source fromFile = new Apps.Source(true, List.of("old"), 8080, java.time.Duration.ofSeconds(5));
            apps.started("new", Json.object("argv", List.of("true")), fromFile);
            assertEquals(List.of("new"), apps.managed().stream().map(Apps.App::name).toList());
            assertEquals(fromFile, apps.find("new").source());
            new Apps(db); // opening it again changes nothing
            try (SqliteStatement st = db.prepare("SELECT count(*) FROM pragma_table_info('app') WHERE name IN"
                    + " ('managed', 'after_apps', 'ready_port', 'ready_timeout_ms')")) {
                assertTrue(st.step());
                assertEquals(4, st.getLong(0));
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
