package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTest {
    private static final String SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB)";

    @TempDir
    Path dir;

    @Test
    void valuesOfEveryTypeRoundTrip() {
        String unicode = "groupe \u00e9t\u00e9 \u65e5\u672c \uD83D\uDE80 nul\0inside";
        byte[] blob = {0, 1, (byte) 0x80, (byte) 0xff, 0};
        try (Sqlite db = Sqlite.open(dir.resolve("a.db"))) {
            db.exec(SCHEMA);
            try (SqliteStatement insert = db.prepare("INSERT INTO t (n, s, b) VALUES (?, ?, ?)")) {
                assertEquals(1, insert.bind(1, Long.MAX_VALUE).bind(2, unicode).bind(3, blob).executeUpdate());
                assertEquals(1, db.lastInsertRowid());
                assertEquals(1, insert.bind(1, Long.MIN_VALUE).bind(2, "").bind(3, new byte[0]).executeUpdate());
                assertEquals(2, db.lastInsertRowid());
                assertEquals(1, db.changes());
            }
            try (SqliteStatement q = db.prepare("SELECT n, s, b, typeof(s), typeof(b) FROM t ORDER BY id")) {
                assertEquals(5, q.columnCount());
                assertTrue(q.step());
                assertEquals(Long.MAX_VALUE, q.getLong(0));
                assertEquals(unicode, q.getString(1));
                assertArrayEquals(blob, q.getBytes(2));
                assertTrue(q.step());
                assertEquals(Long.MIN_VALUE, q.getLong(0));
                assertEquals("", q.getString(1));
                assertArrayEquals(new byte[0], q.getBytes(2));
                assertEquals("text", q.getString(3));
                assertEquals("blob", q.getString(4));
                assertFalse(q.isNull(1));
                assertFalse(q.isNull(2));
                assertFalse(q.step());
            }
            try (SqliteStatement q = db.prepare("SELECT count(*) FROM t WHERE s = ?")) {
                assertTrue(q.bind(1, unicode).step());
                assertEquals(1, q.getLong(0));
            }
        }
    }

    @Test
    void nullsBindAndReadAsNull() {
        try (Sqlite db = Sqlite.open(dir.resolve("n.db"))) {
            db.exec(SCHEMA);
            try (SqliteStatement insert = db.prepare("INSERT INTO t (n, s, b) VALUES (?, ?, ?)")) {
                insert.bindNull(1).bind(2, (String) null).bind(3, (byte[]) null).executeUpdate();
            }
            try (SqliteStatement q = db.prepare("SELECT n, s, b FROM t")) {
                assertTrue(q.step());
                for (int col = 0; col < 3; col++) {
                    assertTrue(q.isNull(col));
                    assertNull(q.getString(col));
                    assertNull(q.getBytes(col));
                    assertEquals(0, q.getLong(col));
                }
            }
        }
    }

    @Test
    void statementsRunAgainAfterResetWithFreshBindings() {
        try (Sqlite db = Sqlite.open(dir.resolve("r.db"))) {
            db.exec(SCHEMA);
            try (SqliteStatement insert = db.prepare("INSERT INTO t (n, s) VALUES (?, ?)")) {
                insert.bind(1, 1).bind(2, "x").executeUpdate();
                insert.bind(1, 2).executeUpdate();
                insert.reset();
                insert.bind(1, 3).executeUpdate();
            }
            try (SqliteStatement q = db.prepare("SELECT n, s FROM t ORDER BY n")) {
                List<String> rows = new ArrayList<>();
                while (q.step()) {
                    rows.add(q.getLong(0) + "=" + q.getString(1));
                }
                assertEquals(List.of("1=x", "2=x", "3=null"), rows);
                q.reset();
                assertTrue(q.step());
                assertEquals(1, q.getLong(0));
            }
        }
    }

    @Test
    void transactionsCommitOrRollBackAsAWhole() {
        try (Sqlite db = Sqlite.open(dir.resolve("tx.db"))) {
            db.exec(SCHEMA);
            long id = db.transaction(() -> {
                db.exec("INSERT INTO t (n) VALUES (1)");
                return db.lastInsertRowid();
            });
            assertEquals(1, id);
            IllegalStateException boom = assertThrows(IllegalStateException.class, () -> db.inTransaction(() -> {
                db.exec("INSERT INTO t (n) VALUES (2)");
                db.exec("INSERT INTO t (n) VALUES (3)");
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", boom.getMessage());
            assertEquals(List.of(1L), longs(db, "SELECT n FROM t"));
            assertThrows(SqliteException.class, () -> db.inTransaction(() -> {
                db.exec("INSERT INTO t (n) VALUES (4)");
                db.exec("INSERT INTO t (id) VALUES (1)");
            }));
            assertEquals(List.of(1L), longs(db, "SELECT n FROM t"));
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> db.inTransaction(() -> db.inTransaction(() -> {})));
            assertTrue(nested.getMessage().startsWith("a transaction is already open"), nested.getMessage());
            db.inTransaction(() -> db.exec("INSERT INTO t (n) VALUES (5)"));
            assertEquals(List.of(1L, 5L), longs(db, "SELECT n FROM t ORDER BY n"));
        }
    }

    @Test
    void failuresNameTheCallAndSqlitesMessage() {
        try (Sqlite db = Sqlite.open(dir.resolve("e.db"))) {
            SqliteException e = assertThrows(SqliteException.class, () -> db.prepare("INSERT INTO x VALUES (1)"));
            assertEquals("sqlite3_prepare_v2(INSERT INTO x VALUES (1)): no such table: x", e.getMessage());
            assertEquals("sqlite3_prepare_v2(INSERT INTO x VALUES (1))", e.call());
            assertEquals(1, e.code());

            e = assertThrows(SqliteException.class, () -> db.exec("CREATE TABLE u (a); SELEC 1"));
            assertEquals("sqlite3_exec(CREATE TABLE u (a); SELEC 1): near \"SELEC\": syntax error", e.getMessage());

            db.exec("CREATE TABLE k (name TEXT UNIQUE NOT NULL)");
            try (SqliteStatement insert = db.prepare("INSERT INTO k (name) VALUES (?)")) {
                insert.bind(1, "a").executeUpdate();
                e = assertThrows(SqliteException.class, () -> insert.bind(1, "a").executeUpdate());
                assertEquals("sqlite3_step(INSERT INTO k (name) VALUES (?)): UNIQUE constraint failed: k.name",
                        e.getMessage());
                assertEquals(SqliteException.CONSTRAINT, e.primaryCode());
                assertEquals(2067, e.code());
                e = assertThrows(SqliteException.class, () -> insert.bind(2, 1));
                assertEquals("sqlite3_bind_int64(INSERT INTO k (name) VALUES (?), 2): column index out of range",
                        e.getMessage());
                assertEquals(1, insert.bind(1, "b").executeUpdate());
            }
            String longSql = "SELECT name, name, name, name, name FROM nowhere WHERE name = ?";
            e = assertThrows(SqliteException.class, () -> db.prepare(longSql));
            assertEquals("sqlite3_prepare_v2(SELECT name, name, name, name, name FROM ...): no such table: nowhere",
                    e.getMessage());
        }
    }

    @Test
    void prepareTakesExactlyOneStatement() {
        try (Sqlite db = Sqlite.open(dir.resolve("p.db"))) {
            db.exec("CREATE TABLE a (x); CREATE TABLE b (x);\n INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);");
            assertThrows(IllegalArgumentException.class, () -> db.prepare("DELETE FROM a; DELETE FROM b"));
            assertThrows(IllegalArgumentException.class, () -> db.prepare("  -- nothing\n"));
            assertThrows(IllegalArgumentException.class, () -> db.prepare("SELECT 1\0"));
            try (SqliteStatement ok = db.prepare("SELECT x FROM a; -- trailing comment\n")) {
                assertTrue(ok.step());
                assertEquals(1, ok.getLong(0));
            }
            assertEquals(List.of(2L), longs(db, "SELECT x FROM b"));
        }
    }

    @Test
    void misuseFailsInJavaNotInSqlite() {
        Sqlite db = Sqlite.open(dir.resolve("m.db"));
        SqliteStatement q = db.prepare("SELECT 1, 2");
        assertThrows(IllegalStateException.class, () -> q.getLong(0));
        assertTrue(q.step());
        assertThrows(IndexOutOfBoundsException.class, () -> q.getLong(2));
        assertThrows(IndexOutOfBoundsException.class, () -> q.getString(-1));
        assertFalse(q.step());
        assertThrows(IllegalStateException.class, () -> q.getLong(0));
        SqliteStatement open = db.prepare("SELECT 3");
        assertTrue(open.step());
        db.close();
        assertThrows(IllegalStateException.class, q::step);
        assertThrows(IllegalStateException.class, open::step);
        assertThrows(IllegalStateException.class, () -> db.exec("SELECT 1"));
        assertThrows(IllegalStateException.class, db::changes);
        q.close();
        db.close();
    }

    @Test
    void openUsesWalAndReopeningSeesCommittedData() {
        Path file = dir.resolve("state.db");
        try (Sqlite db = Sqlite.open(file)) {
            assertEquals(file.toAbsolutePath(), db.file());
            assertEquals(List.of("wal"), strings(db, "PRAGMA journal_mode"));
            assertEquals(List.of(1L), longs(db, "PRAGMA synchronous"));
            assertEquals(List.of((long) Sqlite.BUSY_TIMEOUT_MILLIS), longs(db, "PRAGMA busy_timeout"));
            db.exec(SCHEMA);
            db.inTransaction(() -> db.exec("INSERT INTO t (s) VALUES ('kept')"));
        }
        try (Sqlite db = Sqlite.open(file)) {
            assertEquals(List.of("kept"), strings(db, "SELECT s FROM t"));
        }
        assertTrue(Sqlite.version().startsWith("3."), Sqlite.version());
    }

    @Test
    void openFailsOnWhatIsNotADatabase() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.db"), "this is not an SQLite database, just text ".repeat(40));
        SqliteException e = assertThrows(SqliteException.class, () -> Sqlite.open(junk));
        assertTrue(e.getMessage().startsWith("open(" + junk.toAbsolutePath() + "): "), e.getMessage());
        assertTrue(e.getMessage().endsWith("file is not a database"), e.getMessage());
        assertEquals(26, e.code());
        e = assertThrows(SqliteException.class, () -> Sqlite.open(dir.resolve("no/such/dir/x.db")));
        assertTrue(e.getMessage().startsWith("sqlite3_open_v2("), e.getMessage());
        assertTrue(e.getMessage().endsWith(": unable to open database file"), e.getMessage());
    }

    @Test
    void aMissingLibrarySaysWhichPackageToInstall() {
        SqliteException e = assertThrows(SqliteException.class, () -> SqliteLib.lookup("libsqlite3-absent.so.0"));
        assertEquals("dlopen(libsqlite3-absent.so.0): libsqlite3-absent.so.0 (SQLite 3) is needed but could not be"
                + " loaded; install the package libsqlite3-0", e.getMessage());
        assertEquals(SqliteException.NO_LIBRARY, e.code());
    }

    @Test
    void threadsShareOneConnection() throws Exception {
        try (Sqlite db = Sqlite.open(dir.resolve("threads.db"))) {
            db.exec(SCHEMA);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int base = i * 1000;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int j = 0; j < 50; j++) {
                        int n = base + j;
                        long id = db.transaction(() -> {
                            try (SqliteStatement s = db.prepare("INSERT INTO t (n) VALUES (?)")) {
                                s.bind(1, n).executeUpdate();
                            }
                            return db.lastInsertRowid();
                        });
                        assertEquals(List.of((long) n), longs(db, "SELECT n FROM t WHERE id = " + id));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(200L), longs(db, "SELECT count(DISTINCT n) FROM t"));
        }
    }

    @Test
    void committedRowsSurviveSigkillOfTheWriter() throws Exception {
        Path file = dir.resolve("journal.db");
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        String classPath = String.join(File.pathSeparator,
                Path.of(SqliteTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                Path.of(Sqlite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(javaCmd, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                CrashWriter.class.getName(), file.toString())
                .redirectErrorStream(true)
                .start();
        try {
            List<String> output = new ArrayList<>();
            CompletableFuture<Boolean> committed = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.equals("committed")) {
                            return true;
                        }
                        synchronized (output) {
                            output.add(line);
                        }
                    }
                    return false;
                } catch (IOException e) {
                    return false;
                }
            });
            boolean seen = committed.get(60, TimeUnit.SECONDS);
            synchronized (output) {
                assertTrue(seen, "writer ended without committing: " + output);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL");
        } finally {
            child.destroyForcibly();
        }
        Path wal = Path.of(file + "-wal");
        assertTrue(Files.size(wal) > 0, "commits are still only in the WAL");
        try (Sqlite db = Sqlite.open(file)) {
            assertEquals(List.of("ok"), strings(db, "PRAGMA integrity_check"));
            assertEquals(List.of((long) CrashWriter.ROWS + 1), longs(db, "SELECT count(*) FROM t WHERE s = 'committed'"));
            assertEquals(List.of(0L), longs(db, "SELECT count(*) FROM t WHERE s = 'pending'"));
        }
    }

    /** The child JVM of the SIGKILL test: commits rows, then dies by SIGKILL mid-transaction. */
    static final class CrashWriter {
        static final int ROWS = 100;

        public static void main(String[] args) {
            Sqlite db = Sqlite.open(Path.of(args[0]));
            db.exec(SCHEMA);
            db.inTransaction(() -> {
                try (SqliteStatement insert = db.prepare("INSERT INTO t (n, s) VALUES (?, 'committed')")) {
                    for (int i = 0; i < ROWS; i++) {
                        insert.bind(1, i).executeUpdate();
                    }
                }
            });
            db.exec("INSERT INTO t (n, s) VALUES (-1, 'committed')");
            db.inTransaction(() -> {
                db.exec("INSERT INTO t (n, s) VALUES (-2, 'pending')");
                System.out.println("committed");
                System.out.flush();
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private static List<Long> longs(Sqlite db, String sql) {
        try (SqliteStatement q = db.prepare(sql)) {
            List<Long> values = new ArrayList<>();
            while (q.step()) {
                values.add(q.getLong(0));
            }
            return values;
        }
    }

    private static List<String> strings(Sqlite db, String sql) {
        try (SqliteStatement q = db.prepare(sql)) {
            List<String> values = new ArrayList<>();
            while (q.step()) {
                values.add(q.getString(0));
            }
            return values;
        }
    }
}
