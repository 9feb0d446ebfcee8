package io.steward.cli;

import io.steward.core.ManagedProcess;
import io.steward.core.StdinSink;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Our side of a {@code --pty} run: the terminal goes raw (see {@link RawTerminal}), the child's
 * window follows ours, and our stdin is copied to the child's terminal.
 */
final class TerminalSession implements AutoCloseable {
    private final RawTerminal terminal;

    private TerminalSession(RawTerminal terminal) {
        this.terminal = terminal;
    }

    static TerminalSession start(ManagedProcess p, boolean stdinTty) {
        RawTerminal terminal = RawTerminal.enter(stdinTty);
        terminal.onResize(p::resize);
        StdinSink sink = p.stdin().orElseThrow();
        Thread.ofPlatform().name("forward-stdin").daemon(true).start(() -> pumpStdin(sink));
        return new TerminalSession(terminal);
    }

    private static void pumpStdin(StdinSink sink) {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    sink.write(Arrays.copyOf(buf, n));
                }
            }
            sink.close();
        } catch (IOException | RuntimeException e) {
            // stdin or the child's terminal went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        terminal.close();
    }
}
