package io.steward.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A real terminal for the CLI: one pane of a private tmux server, running {@code sh} in a directory
 * that holds a {@code ./steward} script (this build's CLI). Keys are typed with {@code send-keys}
 * and the screen is read with {@code capture-pane}; closing kills the server and what runs in it.
 */
final class TmuxPane implements AutoCloseable {
    private final Path socket;

    private TmuxPane(Path socket) {
        this.socket = socket;
    }

    /** A {@code cols} by {@code rows} pane in {@code dir}, with {@code STEWARD_HOME} set to {@code home}; skips the test without tmux. */
    static TmuxPane start(Path dir, Path home, int cols, int rows) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/bin/tmux")),
                "tmux is not installed");
        Path steward = dir.resolve("steward");
        Files.writeString(steward, "#!/bin/sh\nexec " + Cli.builder().command().stream().map(TmuxPane::quote)
                .collect(Collectors.joining(" ")) + " \"$@\"\n");
        Files.setPosixFilePermissions(steward, PosixFilePermissions.fromString("rwx------"));
        // The server's socket lives (and is removed) with the test's directory.
        TmuxPane pane = new TmuxPane(dir.resolve("tmux"));
        pane.tmux("-f", "/dev/null", "new-session", "-d", "-x", Integer.toString(cols), "-y", Integer.toString(rows),
                "-c", dir.toString(), "-e", "STEWARD_HOME=" + home, "sh");
        return pane;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("tmux " + String.join(" ", args) + ": " + out);
        }
        return out;
    }

    /** Types {@code line} and Enter. */
    void typeLine(String line) throws Exception {
        tmux("send-keys", "-l", line);
        tmux("send-keys", "Enter");
    }

    /** Presses keys by tmux's names: {@code j}, {@code Up}, {@code Escape}, {@code C-c}. */
    void press(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p");
    }

    /** Whether the pane shows its alternate screen (a full-screen program's). */
    boolean alternateScreen() throws Exception {
        return tmux("display", "-p", "#{alternate_on}").trim().equals("1");
    }

    void awaitScreen(String text) throws Exception {
        awaitScreen("'" + text + "' on the screen", s -> s.contains(text));
    }

    /** Polls the screen until {@code test} holds, for up to 20 s. */
    String awaitScreen(String what, java.util.function.Predicate<String> test) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String s;
        while (!test.test(s = screen())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + s);
            }
            Thread.sleep(20);
        }
        return s;
    }

    @Override
    public void close() throws Exception {
        tmux("kill-server");
    }
}
