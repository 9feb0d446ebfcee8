package io.steward.cli;

import io.steward.sys.Libc;
import io.steward.sys.Pty;
import sun.misc.Signal;

/**
 * Our terminal while a child or a session owns the keyboard: a terminal stdin goes raw so every key
 * reaches the other side unchanged, SIGWINCH reports our new size, and the modes are restored on
 * every way out (close, or JVM exit by a signal or {@code System.exit}).
 */
final class RawTerminal implements AutoCloseable {
    /** Told our new size after every SIGWINCH. */
    interface ResizeListener {
        void resized(int rows, int cols);
    }

    private Pty.Modes saved;
    private boolean closed;

    private RawTerminal() {}

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

    /** A terminal left as it is until {@link #makeRaw}, restored on close and at JVM exit. */
    static RawTerminal create() {
        RawTerminal t = new RawTerminal();
        Runtime.getRuntime().addShutdownHook(new Thread(t::close));
        return t;
    }

    /** Makes stdin raw at once when it is a terminal ({@code stdinTty}). */
    static RawTerminal enter(boolean stdinTty) {
        RawTerminal t = create();
        if (stdinTty) {
            t.makeRaw();
        }
        return t;
    }

    /** Makes stdin, a terminal, raw; its modes before are what close restores. */
    synchronized void makeRaw() {
        if (!closed && saved == null) {
            saved = Pty.makeRaw(0);
        }
    }

    /** True while stdin is in raw mode (output then needs "\r\n" for a new line). */
    synchronized boolean isRaw() {
        return saved != null && !closed;
    }

    /** Calls {@code listener} with our size after every SIGWINCH; a failing listener is ignored (the other side is gone). */
    void onResize(ResizeListener listener) {
        try {
            Signal.handle(new Signal("WINCH"), s -> {
                int[] size = ourSize();
                try {
                    listener.resized(size[0], size[1]);
                } catch (RuntimeException e) {
                    // exited or detached meanwhile
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGWINCH handling on this JVM: the size stays as started
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
