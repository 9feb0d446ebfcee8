package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * {@code steward top}'s terminal, through JLine: the alternate screen, raw keys, the size (its
 * changes come by SIGWINCH). Keys are read from stdin in slices of a tenth of a second (VMIN 0, VTIME 1), on the
 * caller's thread, so no reader is ever left blocked on stdin, and {@link #suspend} can hand the
 * terminal to {@code attach} whole. Every way out (close, an exception, a signal ending the JVM)
 * leaves the normal screen on, the cursor shown and the modes as they were.
 */
final class TopTerminal implements AutoCloseable {
    private final Terminal terminal;
    private final Attributes saved;
    private final InputStream in = new FileInputStream(FileDescriptor.in);
    private final AtomicBoolean resized = new AtomicBoolean(true);
    private final Thread restoreAtExit;
    private boolean fullScreen;
    private boolean closed;

    private TopTerminal(Terminal terminal) {
        this.terminal = terminal;
        this.saved = terminal.getAttributes();
        this.restoreAtExit = new Thread(this::close);
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
    }

    /** Our terminal, full screen. */
    static TopTerminal open() {
        Terminal t;
        try {
            t = TerminalBuilder.builder().system(true).provider("ffm").dumb(false).nativeSignals(false).build();
        } catch (IOException | RuntimeException e) {
            throw new StewardException(ErrorCode.UNSUPPORTED, "top: cannot drive this terminal: " + e.getMessage());
        }
        TopTerminal top = new TopTerminal(t);
        top.resume();
        return top;
    }

    /** The alternate screen, no cursor, and keys as they are typed: no echo, no line editing, Ctrl-C a key. */
    synchronized void resume() {
        Attributes raw = new Attributes(saved);
        raw.setLocalFlags(java.util.EnumSet.of(Attributes.LocalFlag.ICANON, Attributes.LocalFlag.ECHO,
                Attributes.LocalFlag.IEXTEN, Attributes.LocalFlag.ISIG), false);
        raw.setInputFlags(java.util.EnumSet.of(Attributes.InputFlag.IXON, Attributes.InputFlag.ICRNL,
                Attributes.InputFlag.INLCR), false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 0);
        raw.setControlChar(Attributes.ControlChar.VTIME, 1);
        terminal.setAttributes(raw);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        fullScreen = true;
        resized.set(true);
        // Here rather than once: attach puts its own handler in while it has the terminal.
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> resized.set(true));
        } catch (IllegalArgumentException e) {
            // no SIGWINCH on this JVM: the screen keeps its size until the next key
        }
    }

    /** The normal screen, the cursor and the modes as they were before; {@link #resume} comes back. */
    synchronized void suspend() {
        if (!fullScreen) {
            return;
        }
        fullScreen = false;
        terminal.puts(Capability.cursor_normal);
        terminal.puts(Capability.keypad_local);
        terminal.puts(Capability.exit_ca_mode);
        terminal.flush();
        terminal.setAttributes(saved);
    }

    /** The keys typed within about a tenth of a second; none when nothing was. */
    List<TopKeys.Key> keys() throws IOException {
        byte[] buf = new byte[256];
        int n = in.read(buf); // VTIME: returns at the latest after 100 ms; nothing read shows as -1
        return n <= 0 ? List.of() : TopKeys.decode(buf, n);
    }

    /** Whether the size changed since last asked (true the first time). */
    boolean resized() {
        return resized.getAndSet(false);
    }

    /** Rows and columns. */
    int[] size() {
        Size s = terminal.getSize();
        return new int[] {s.getRows() > 0 ? s.getRows() : 24, s.getColumns() > 0 ? s.getColumns() : 80};
    }

    /** Replaces the screen with {@code lines}, one per row, each row cleared to its end. */
    synchronized void draw(List<String> lines) {
        PrintWriter w = terminal.writer();
        StringBuilder b = new StringBuilder("\033[H");
        for (int i = 0; i < lines.size(); i++) {
            b.append(lines.get(i)).append("\033[K");
            if (i < lines.size() - 1) {
                b.append("\r\n");
            }
        }
        b.append("\033[J");
        w.print(b);
        w.flush();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            suspend();
            terminal.close();
        } catch (IOException | RuntimeException e) {
            // the terminal is gone: nothing left to restore
        }
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException e) {
            // closing from the hook itself
        }
    }
}
