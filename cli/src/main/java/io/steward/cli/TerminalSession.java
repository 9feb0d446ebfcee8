package io.steward.cli;

import io.steward.core.ManagedProcess;
import io.steward.core.StdinSink;
import io.steward.sys.Libc;
import io.steward.sys.Pty;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import sun.misc.Signal;

/**
 * Our side of a {@code --pty} run: a terminal stdin goes raw so every key reaches the child
 * unchanged, the child's window follows ours on SIGWINCH, and the terminal is restored on every way out.
 */
final class TerminalSession implements AutoCloseable {
    private final Pty.Modes saved;
    private boolean closed;

    private TerminalSession(Pty.Modes saved) {
        this.saved = saved;
    }

    /** Rows and columns of our terminal, or 24x80 when we have none. */
    static int[] ourSize() {
        for (int fd : new int[] {1, 0, 2}) {
            if (Libc.isatty(fd)) {
                Pty.Size s = Pty.size(fd);
                if (s.rows() > 0 && s.cols() > 0) {
                    return new int[] {s.rows(), s.cols()};
                }
            }
        }
        return new int[] {24, 80};
    }

    static TerminalSession start(ManagedProcess p, boolean stdinTty) {
        Pty.Modes saved = stdinTty ? Pty.makeRaw(0) : null;
        TerminalSession session = new TerminalSession(saved);
        Runtime.getRuntime().addShutdownHook(new Thread(session::close));
        try {
            Signal.handle(new Signal("WINCH"), s -> {
                int[] size = ourSize();
                try {
                    p.resize(size[0], size[1]);
                } catch (RuntimeException e) {
                    // exited meanwhile
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGWINCH handling on this JVM: the size stays as started
        }
        StdinSink sink = p.stdin().orElseThrow();
        Thread.ofPlatform().name("forward-stdin").daemon(true).start(() -> pumpStdin(sink));
        return session;
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (saved != null) {
            saved.restore();
        }
    }
}
