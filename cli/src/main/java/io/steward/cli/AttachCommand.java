package io.steward.cli;

import io.steward.api.AttachMessage;
import io.steward.api.ErrorCode;
import io.steward.client.AttachEvent;
import io.steward.client.AttachOptions;
import io.steward.client.Attachment;
import io.steward.client.StewardClient;
import io.steward.sys.Libc;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward attach}: this terminal becomes the session's. Attached to a terminal session from a
 * terminal, ours goes raw, the session's window follows ours, and Ctrl-] detaches. A pipe session
 * gets lines: our terminal stays cooked (echo, line editing; Ctrl-C detaches, and so does a line
 * holding Ctrl-]). A stdin that is not a terminal is copied as a plain stream; at its end we only
 * stop sending: the session's stdin stays open, since a session outlives its clients and the next
 * one may still want to type.
 */
@Command(name = "attach", description = "Attach to a session's terminal or output; Ctrl-] detaches.")
final class AttachCommand implements Callable<Integer> {
    /** Ctrl-]: the byte a raw terminal sends for it, as telnet and docker use it. */
    static final byte DETACH_KEY = 0x1d;
    private static final byte CTRL_C = 0x03;

    @Parameters(index = "0", paramLabel = "SESSION", description = "Session id, unique id prefix (6+ characters) or name.")
    String session;

    @Option(names = "--read-only", description = "Watch only, beside any other clients: send no input and no size; Ctrl-C detaches too.")
    boolean readOnly;

    @Option(names = "--steal", description = "Take the session over from the client typing into it now; watchers stay.")
    boolean steal;

    @Option(names = "--json", description = "Print why the attachment ended (and each restart) as JSON lines on stderr.")
    boolean json;

    @Override
    public Integer call() {
        if (readOnly && steal) {
            throw new io.steward.api.StewardException(ErrorCode.INVALID_INPUT,
                    "--read-only and --steal exclude each other: watching never needs to evict anyone");
        }
        return attach(Clients.existing(), session, readOnly, steal, json);
    }

    /**
     * Attaches our terminal (or stdin and stdout) to a session until it ends, and says why on stderr.
     *
     * @return 0 after a detach, the session's exit code (128 + signal) when it exited, 1 when stolen or
     *     when the daemon connection was lost
     * @throws io.steward.api.StewardException when the daemon refuses the attachment (e.g. not-found)
     */
    static int attach(StewardClient client, String ref, boolean readOnly, boolean steal) {
        return attach(client, ref, readOnly, steal, false);
    }

    static int attach(StewardClient client, String ref, boolean readOnly, boolean steal, boolean json) {
        AttachEnding ending = run(client, ref, readOnly, steal, json);
        System.err.println(ending.line(json)); // after the terminal is restored, so the line starts at its margin
        return ending.exitCode();
    }

    private static AttachEnding run(StewardClient client, String ref, boolean readOnly, boolean steal, boolean json) {
        boolean stdinTty = Libc.isatty(0);
        // Refusals (not-found, already-attached, no daemon) throw here, before the terminal changes.
        try (Attachment a = client.attach(ref, AttachOptions.of(readOnly, steal))) {
            Detacher detacher = new Detacher(a);
            Interrupts.install(detacher::detach); // Ctrl-C when stdin is not raw, TERM, HUP
            try (RawTerminal terminal = RawTerminal.create()) {
                return receive(a, ref, terminal, stdinTty, readOnly, json, detacher);
            } finally {
                detacher.ended();
            }
        }
    }

    private static AttachEnding receive(Attachment a, String ref, RawTerminal terminal, boolean stdinTty, boolean readOnly,
            boolean json, Detacher detacher) {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        OutputStream err = new FileOutputStream(FileDescriptor.err);
        AttachEnding ending = null;
        AttachMessage.Error lastError = null;
        while (true) {
            switch (a.next()) {
                case AttachEvent.Output o -> {
                    try {
                        (o.stream() == AttachEvent.Output.STDERR ? err : out).write(o.bytes());
                    } catch (IOException e) {
                        detacher.detach(); // our output is gone: nobody watches any more
                    }
                }
                case AttachEvent.Control(AttachMessage.Hello h) -> {
                    if (stdinTty && h.pty()) {
                        terminal.makeRaw();
                    }
                    if (stdinTty && h.pty() && !readOnly) {
                        int[] size = RawTerminal.ourSize();
                        resize(a, size[0], size[1]);
                        terminal.onResize((rows, cols) -> resize(a, rows, cols));
                    }
                    if (stdinTty || !readOnly) {
                        forwardInput(a, stdinTty, readOnly, detacher);
                    }
                }
                case AttachEvent.Control(AttachMessage.Stolen s) -> ending = AttachEnding.stolen();
                case AttachEvent.Control(AttachMessage.Restarted r) -> notice(err, terminal, AttachEnding.restarted(ref, r, json));
                case AttachEvent.Control(AttachMessage.Exit x) -> ending = AttachEnding.exited(ref, x);
                case AttachEvent.Control(AttachMessage.Error e) -> lastError = e;
                case AttachEvent.Control(AttachMessage.Dropped d) -> { } // a terminal redraws; a log reader asked for the tail anyway
                case AttachEvent.Other o -> { }
                case AttachEvent.Closed c -> {
                    if (ending != null) {
                        return ending;
                    }
                    if (detacher.requested() || "detached".equals(c.reason())) {
                        return AttachEnding.detached(ref);
                    }
                    if (lastError != null && lastError.code() == ErrorCode.ALREADY_ATTACHED) {
                        return AttachEnding.refused(lastError); // lost a race for a free session
                    }
                    return AttachEnding.lost();
                }
            }
        }
    }

    /** One line on stderr while attached; a raw terminal needs the carriage return spelled out. */
    private static void notice(OutputStream err, RawTerminal terminal, String line) {
        try {
            err.write((line + (terminal.isRaw() ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // stderr is gone; the stream goes on
        }
    }

    private static void resize(Attachment a, int rows, int cols) {
        try {
            a.resize(rows, cols);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies stdin to the session on a thread of its own, watching a terminal's keys for Ctrl-]. A
     * terminal is read only once it has input, and not after the attachment ended: {@code top}
     * attaches and takes its terminal back, and the first key typed after must reach it.
     */
    private static void forwardInput(Attachment a, boolean terminal, boolean readOnly, Detacher detacher) {
        Thread reader = Thread.ofPlatform().name("attach-stdin").daemon(true).start(() -> {
            InputStream in = new FileInputStream(FileDescriptor.in);
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((!terminal || awaitInput(detacher)) && (n = in.read(buf)) >= 0) {
                    int key = terminal ? detachKey(buf, n, readOnly) : -1;
                    int end = key >= 0 ? key : n;
                    if (!readOnly && end > 0) {
                        a.send(buf, 0, end);
                    }
                    if (key >= 0) {
                        detacher.detach();
                        return;
                    }
                }
            } catch (IOException e) {
                // the connection ended: the receiving side reports why
            }
        });
        if (terminal) {
            detacher.readingTerminal(reader);
        }
    }

    /** Waits for our terminal to have input: true once it has, false once the attachment has ended. */
    private static boolean awaitInput(Detacher detacher) {
        while (!detacher.hasEnded()) {
            if (Libc.poll(0, Libc.POLLIN, 100) > 0) {
                return !detacher.hasEnded(); // a key typed once it ended is for whoever has the terminal next
            }
        }
        return false;
    }

    /** Where the first detaching key is: Ctrl-], and in read-only mode Ctrl-C too (it has nowhere else to go). */
    static int detachKey(byte[] buf, int n, boolean readOnly) {
        for (int i = 0; i < n; i++) {
            if (buf[i] == DETACH_KEY || (readOnly && buf[i] == CTRL_C)) {
                return i;
            }
        }
        return -1;
    }

    /** Detaches once politely; asked again (a second Ctrl-C, a daemon that does not answer), drops the connection. */
    private static final class Detacher {
        private final Attachment attachment;
        private final AtomicInteger asked = new AtomicInteger();
        private volatile boolean ended;
        private volatile Thread terminalReader;

        Detacher(Attachment attachment) {
            this.attachment = attachment;
        }

        void detach() {
            if (asked.getAndIncrement() == 0) {
                try {
                    attachment.detach();
                    return;
                } catch (IOException e) {
                    // fall through: the connection is gone or going
                }
            }
            attachment.close();
        }

        boolean requested() {
            return asked.get() > 0;
        }

        void readingTerminal(Thread reader) {
            terminalReader = reader;
        }

        /**
         * The attachment is over, whichever way it ended: stdin is no longer ours to read. Returns
         * once the terminal's reader has seen it (within its poll), so none is left to take a key.
         */
        void ended() {
            ended = true;
            Thread reader = terminalReader;
            if (reader != null) {
                try {
                    reader.join(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        boolean hasEnded() {
            return ended;
        }
    }
}
