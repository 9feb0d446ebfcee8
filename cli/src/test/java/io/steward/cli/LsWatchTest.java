package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code steward ls --watch}: the table redrawn in place in a real terminal ({@link TmuxPane}), and its refusals. */
class LsWatchTest extends WithDaemon {
    @Test
    void redrawsTheTableShowsANewSessionAndCtrlCRestoresTheTerminal() throws Exception {
        daemon.run("name", "first", "argv", List.of("sleep", "600"));
        try (TmuxPane pane = TmuxPane.start(tmp, daemon.home, 150, 20)) {
            pane.typeLine("stty -g > before; ./steward ls -w; echo watch-ended-$?; stty -g > after");
            pane.awaitScreen("the table", s -> s.contains("every 1s: steward ls  ") && s.contains("first"));
            assertTrue(pane.alternateScreen());

            daemon.run("name", "second", "argv", List.of("sleep", "600"));
            long shown = System.nanoTime();
            pane.awaitScreen("second");
            assertTrue(System.nanoTime() - shown < 5_000_000_000L, "a new session shows within a redraw or two");
            assertEquals(1, pane.screen().lines().filter(l -> l.startsWith("NAME")).count(), "redrawn in place, not appended");

            pane.press("C-c");
            pane.awaitScreen("watch-ended-0");
            assertFalse(pane.alternateScreen(), "the normal screen is back");
            Path after = tmp.resolve("after");
            Cli.poll("the modes after the watch saved", () -> Files.exists(after) && after.toFile().length() > 0);
            assertEquals(Files.readString(tmp.resolve("before")), Files.readString(after));
        }
    }

    @Test
    void watchRefusesJsonAPipeAndAnIntervalAlone() throws Exception {
        Cli.Result json = steward("ls", "-w", "--json");
        assertEquals(2, json.code());
        assertEquals("steward: --watch: redraws a table; --json is for scripts, which ask again\n", json.err());
        Cli.Result pipe = steward("ls", "--watch");
        assertEquals(2, pipe.code());
        assertEquals("steward: --watch: needs a terminal; for scripts, 'steward ls --json'\n", pipe.err());
        Cli.Result alone = steward("ls", "--interval", "2s");
        assertEquals(2, alone.code());
        assertEquals("steward: --interval: goes with --watch\n", alone.err());
        Cli.Result tooShort = steward("ls", "-w", "--interval", "5ms");
        assertEquals(2, tooShort.code(), tooShort.err());
    }
}
