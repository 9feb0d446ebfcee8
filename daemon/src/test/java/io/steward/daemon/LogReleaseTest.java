package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A session's log files go with it when it is released (rm, purge, retention, a new session taking
 * its name); a saved app's are kept across its runs.
 */
class LogReleaseTest extends DaemonFixture {
    /** The files of {@code stem} in the logs directory, rotated ones too. */
    private List<String> files(String stem) throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("logs"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(stem + ".")).sorted().toList();
        }
    }

    private String log(String name) throws Exception {
        Path p = home.resolve("logs").resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /**
     * Runs {@code echo text} to both streams, waits until both log files hold it, then lets the
     * session end (it reads a line first, so retention cannot release it before the files are seen).
     */
    private String echoed(String text, Object... options) throws Exception {
        String id = echoing(text, options);
        client.sessions().send(id, new byte[0], true);
        waitExit(id);
        return id;
    }

    /** {@link #echoed}, left running: it ends at the end of its stdin. */
    private String echoing(String text, Object... options) throws Exception {
        Object[] all = new Object[options.length + 2];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = "argv";
        all[options.length + 1] = List.of("sh", "-c", "echo " + text + "; echo " + text + " >&2; read x");
        String id = run(all).id();
        String stem = options.length >= 2 && options[0].equals("name") ? (String) options[1] : id;
        poll("both logs of " + stem, () -> {
            try {
                return log(stem + ".out.log").contains(text) && log(stem + ".err.log").contains(text);
            } catch (Exception e) {
                return false;
            }
        });
        return id;
    }

    @Test
    void rmPurgeAndRetentionDeleteTheFiles() throws Exception {
        String removed = echoed("one");
        String purged = echoed("two", "name", "purged");
        String retained = echoed("three", "retainMs", 1L);
        client.sessions().remove(removed);
        assertEquals(List.of(), files(removed));
        client.sessions().purge();
        assertEquals(List.of(), files("purged"));
        poll("retention to release " + retained, () -> {
            try {
                return files(retained).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(names(true).isEmpty());
    }

    @Test
    void aNewSessionOfTheNameStartsWithNewFiles() throws Exception {
        echoed("first", "name", "job");
        echoed("second", "name", "job");
        assertEquals(List.of("job.err.log", "job.out.log"), files("job"));
        assertEquals("second\n", log("job.out.log"));
    }

    @Test
    void aSavedAppKeepsItsLogsAcrossRunsAndRemoval() throws Exception {
        String first = echoing("first", "name", "app");
        client.apps().save(); // while it runs: a session that has ended by itself is not saved
        client.sessions().send(first, new byte[0], true);
        waitExit(first);
        echoed("second", "name", "app");
        assertEquals(List.of("app.err.log", "app.err.log.1", "app.out.log", "app.out.log.1"), files("app"));
        assertEquals("first\n", log("app.out.log.1"));
        assertEquals("second\n", log("app.out.log"));
        client.sessions().remove("app");
        assertEquals(4, files("app").size(), "a saved app's logs stay: " + files("app"));
    }
}
