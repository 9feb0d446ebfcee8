package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward attach} in a real terminal ({@link TmuxPane}): keys are typed
 * with {@code send-keys} and the screen is read with {@code capture-pane}.
 */
class AttachTerminalTest {
    @TempDir
    Path tmp;

    private RunningDaemon daemon;
    private TmuxPane pane;

    @BeforeEach
    void start() throws Exception {
        daemon = RunningDaemon.start(tmp.resolve("home"));
        pane = TmuxPane.start(tmp, daemon.home, 80, 24);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (pane != null) {
                pane.close();
            }
        } finally {
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    private String tmux(String... args) throws Exception {
        return pane.tmux(args);
    }

    private void typeLine(String line) throws Exception {
        pane.typeLine(line);
    }

    private void awaitScreen(String text) throws Exception {
        pane.awaitScreen(text);
    }

    private String startShell() {
        return daemon.run("argv", List.of("bash", "--norc", "--noprofile"), "pty", true, "env", Map.of("PS1", "inner$ "));
    }

    /** Types the attach in the pane, saving the terminal's modes before and after it. */
    private void attach(String options, String id) throws Exception {
        typeLine("stty -g > before; ./steward attach " + options + id + "; echo attach-ended-$?; stty -g > after");
        String field = options.contains("--read-only") ? "watchers" : "attached";
        Object attached = options.contains("--read-only") ? (Object) 1L : Boolean.TRUE;
        Cli.poll(field, () -> attached.equals(daemon.session(id).get(field)));
        awaitScreen("inner$"); // capture-pane drops trailing blanks
    }

    private void assertTerminalRestored() throws Exception {
        Path after = tmp.resolve("after");
        Cli.poll("the modes after the attach saved", () -> {
            try {
                return Files.exists(after) && Files.size(after) > 0;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(Files.readString(tmp.resolve("before")), Files.readString(after), "stty -g before and after");
    }

    @Test
    void typingReachesTheShellTheWindowSizeFollowsAndCtrlBracketDetaches() throws Exception {
        String id = startShell();
        attach("", id);
        typeLine("echo typed-$((6*7))");
        awaitScreen("typed-42");

        typeLine("stty size");
        awaitScreen("24 80");
        tmux("resize-window", "-x", "100", "-y", "30");
        Cli.poll("the session's terminal resized", () -> Long.valueOf(30).equals(daemon.session(id).get("rows"))
                && Long.valueOf(100).equals(daemon.session(id).get("cols")));
        typeLine("stty size");
        awaitScreen("30 100");

        tmux("send-keys", "C-]");
        awaitScreen("steward: detached from " + id);
        awaitScreen("attach-ended-0");
        assertTerminalRestored();
        assertEquals("running", daemon.session(id).get("phase"), "a detach leaves the session running");
    }

    @Test
    void theSessionsExitEndsTheAttachmentWithItsCode() throws Exception {
        String id = startShell();
        attach("", id);
        typeLine("exit 5");
        awaitScreen("steward: session " + id + " exited with code 5");
        awaitScreen("attach-ended-5");
        assertTerminalRestored();
    }

    @Test
    void readOnlyIgnoresKeysAndCtrlCDetaches() throws Exception {
        String id = startShell();
        attach("--read-only ", id);
        typeLine("echo typed-$((6*7))");
        tmux("send-keys", "C-c");
        awaitScreen("steward: detached from " + id);
        awaitScreen("attach-ended-0");
        assertTerminalRestored();
        // Typed keys went nowhere: the shell, asked now through the API, never saw them.
        daemon.client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                "echo api-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
        Cli.poll("the shell's answer", () -> output(id).contains("api-42"));
        assertEquals(false, output(id).contains("typed"), output(id));
    }

    /** Everything the session's terminal printed so far (up to 1 MiB). */
    private String output(String id) {
        return new String(daemon.client.sessions().output(id, null, 0, 1 << 20).data(), StandardCharsets.UTF_8);
    }
}
