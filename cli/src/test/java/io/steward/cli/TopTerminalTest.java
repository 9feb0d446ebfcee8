package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code steward top} in a real terminal ({@link TmuxPane}): what it shows, what its keys do, and the terminal after it. */
class TopTerminalTest extends WithDaemon {
    /** Wide enough for the line of keys, which ends in "q quit". */
    private static final int COLS = 120;

    private TmuxPane pane;

    @BeforeEach
    void openPane() throws Exception {
        pane = TmuxPane.start(tmp, daemon.home, COLS, 30);
    }

    @AfterEach
    void closePane() throws Exception {
        if (pane != null) {
            pane.close();
        }
    }

    private String run(String name, String script) {
        return daemon.run("name", name, "argv", List.of("sh", "-c", script));
    }

    /** Runs top in the pane, between two saves of the terminal's modes, and waits for its table. */
    private void startTop(String... options) throws Exception {
        pane.typeLine("stty -g > before; ./steward top " + String.join(" ", options) + "; echo top-ended-$?; stty -g > after");
        pane.awaitScreen("RESTARTS");
    }

    /** The row of the table (or any line) that holds {@code text}: its index on the screen. */
    private static int lineOf(String screen, String text) {
        List<String> lines = screen.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean inOrder(String screen, String... names) {
        for (int i = 1; i < names.length; i++) {
            int before = lineOf(screen, " " + names[i - 1] + " ");
            int after = lineOf(screen, " " + names[i] + " ");
            if (before < 0 || after < 0 || before >= after) {
                return false;
            }
        }
        return true;
    }

    /** Quits with q and checks the screen, the modes and the exit code are as before. */
    private void quitAndAssertRestored() throws Exception {
        pane.press("q");
        pane.awaitScreen("top-ended-0");
        assertFalse(pane.alternateScreen(), "the normal screen is back");
        Path after = tmp.resolve("after");
        Cli.poll("the modes after top saved", () -> Files.exists(after) && after.toFile().length() > 0);
        assertEquals(Files.readString(tmp.resolve("before")), Files.readString(after), "stty -g before and after");
    }

    @Test
    void showsTheSessionsSortsStopsTheSelectedShowsItsLogsAndQuitsRestoringTheTerminal() throws Exception {
        run("alpha", "echo alpha-says-hello; exec sleep 600");
        run("beta", "exec sleep 600");
        String alpha = daemon.client.sessions().get("alpha").id();
        String zulu = run("zulu", "exec sleep 600");
        for (int i = 1; i <= 2; i++) {
            daemon.client.sessions().restart(zulu);
            long restarts = i;
            Cli.poll("zulu restarted", () -> Long.valueOf(restarts).equals(daemon.session(zulu).get("restarts"))
                    && "running".equals(daemon.session(zulu).get("state")));
        }
        startTop();
        assertTrue(pane.alternateScreen(), "top draws on the alternate screen");
        pane.awaitScreen("all three sessions", s -> s.contains("alpha") && s.contains("beta") && s.contains("zulu"));

        pane.press("n");
        pane.awaitScreen("sorted by name", s -> s.contains("sort: name") && inOrder(s, "alpha", "beta", "zulu"));
        pane.press("R");
        pane.awaitScreen("sorted by restarts", s -> s.contains("sort: restarts") && inOrder(s, "zulu", "alpha", "beta"));

        // to the top row, zulu, and stop it with its grace
        pane.press("k", "k", "k", "s");
        pane.awaitScreen("stop: zulu");
        Cli.poll("zulu stopped", () -> !"running".equals(daemon.session(zulu).get("phase")));
        pane.awaitScreen("zulu shown as ended", s -> s.lines().anyMatch(l -> l.contains(" zulu ") && l.contains("killed TERM")));

        pane.press("j", "l");
        pane.awaitScreen("logs of alpha");
        pane.awaitScreen("alpha-says-hello");
        pane.press("Escape");
        pane.awaitScreen("the table again", s -> s.contains("RESTARTS") && !s.contains("logs of alpha"));

        pane.press("r");
        pane.awaitScreen("restart: alpha");
        Cli.poll("alpha restarted", () -> Long.valueOf(1).equals(daemon.session(alpha).get("restarts"))
                && "running".equals(daemon.session(alpha).get("state")));
        quitAndAssertRestored();
        assertEquals("running", daemon.session(alpha).get("phase"), "quitting leaves the sessions alone");
    }

    @Test
    void killAsksFirstAndAttachComesBackToTheTableWhichFollowsTheWindowSize() throws Exception {
        String victim = run("victim", "exec sleep 600");
        String shell = daemon.run("name", "shell", "argv", List.of("sh"), "pty", true, "env", Map.of("PS1", "inner$ "));
        pane.tmux("resize-window", "-x", "60", "-y", "30");
        startTop("--interval", "1h"); // no refresh but those after actions: only SIGWINCH redraws for a resize
        assertFalse(pane.screen().contains("q quit"), "a line is cut at the terminal's width");
        pane.press("n"); // shell, victim
        pane.awaitScreen("sorted by name", s -> inOrder(s, "shell", "victim"));

        pane.press("j", "K");
        pane.awaitScreen("kill victim (" + victim.substring(0, 8) + ") (SIGKILL its whole tree)? y/n");
        pane.press("n");
        pane.awaitScreen("kill of victim (" + victim.substring(0, 8) + ") cancelled");
        assertEquals("running", daemon.session(victim).get("phase"));
        pane.press("K", "y");
        pane.awaitScreen("kill: victim");
        Cli.poll("victim killed", () -> "KILL".equals(daemon.session(victim).get("signal")));

        pane.press("k", "a");
        Cli.poll("top attached to the shell", () -> Boolean.TRUE.equals(daemon.session(shell).get("attached")));
        pane.typeLine("echo typed-$((6*7))");
        pane.awaitScreen("typed-42");
        assertFalse(pane.alternateScreen(), "attach runs on the normal screen");
        pane.press("C-]");
        pane.awaitScreen("attach to shell (" + shell.substring(0, 8) + ") ended");
        assertTrue(pane.alternateScreen(), "back to the full screen");
        assertEquals("running", daemon.session(shell).get("phase"), "a detach leaves the session running");
        pane.press("n"); // drawn after the refresh that follows an attach: from here only SIGWINCH redraws
        pane.awaitScreen("sorted by name");
        pane.tmux("resize-window", "-x", Integer.toString(COLS), "-y", "30");
        pane.awaitScreen("q quit"); // redrawn at the new width: SIGWINCH still reaches top after attach had it

        // attached again, until the session ends: the first key after is top's, not a leftover reader's
        pane.press("a");
        Cli.poll("top attached to the shell again", () -> Boolean.TRUE.equals(daemon.session(shell).get("attached")));
        pane.typeLine("exit 3");
        pane.awaitScreen("attach to shell (" + shell.substring(0, 8) + ") ended (exit code 3)");
        pane.press("R");
        pane.awaitScreen("sorted by restarts");
        quitAndAssertRestored();
    }

    @Test
    void termRestoresTheTerminal() throws Exception {
        run("calm", "exec sleep 600");
        startTop();
        long shell = Long.parseLong(pane.tmux("display", "-p", "#{pane_pid}").trim());
        ProcessHandle top = ProcessHandle.of(shell).orElseThrow().children().findFirst().orElseThrow();
        Runtime.getRuntime().exec(new String[] {"kill", "-TERM", Long.toString(top.pid())}).waitFor();
        pane.awaitScreen("top-ended-0");
        assertFalse(pane.alternateScreen());
        Path after = tmp.resolve("after");
        Cli.poll("the modes after top saved", () -> Files.exists(after) && after.toFile().length() > 0);
        assertEquals(Files.readString(tmp.resolve("before")), Files.readString(after), "stty -g before and after");
    }

    @Test
    void withoutATerminalItSaysSoAndExits2() throws Exception {
        Cli.Result r = steward("top");
        assertEquals(2, r.code(), r.err());
        assertEquals("steward: top: needs a terminal for stdin and stdout; for scripts, 'steward top --json'\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void jsonIsOneSnapshotWithTheCpuOverOneInterval() throws Exception {
        String busy = run("busy", "while :; do :; done");
        String idle = run("idle", "exec sleep 600");
        Map<String, Object> top = io.steward.api.Json.parseObject(ok("top", "--json", "--interval", "500ms"));
        assertEquals(500L, top.get("intervalMs"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sessions = (List<Map<String, Object>>) top.get("sessions");
        assertEquals(List.of(busy, idle), sessions.stream().map(s -> s.get("id")).toList(), "the busiest first");
        double cpu = ((Number) sessions.getFirst().get("cpuPercent")).doubleValue();
        assertTrue(cpu > 10 && cpu < 250, "a busy loop uses a core, or what it gets of one: " + cpu);
        assertEquals("busy", sessions.getFirst().get("name"), "each entry is the session as ls --json writes it");
    }
}
