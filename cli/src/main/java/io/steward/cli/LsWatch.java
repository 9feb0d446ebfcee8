package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Libc;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code steward ls --watch}: the table redrawn in place every interval, as {@code watch} does it,
 * on the alternate screen, until Ctrl-C (or TERM, HUP). Plain ANSI, no terminal library: the table
 * is {@code ls}'s own. Whatever ends it, the screen the user had comes back, with its cursor.
 */
final class LsWatch {
    private static final String ENTER = "\033[?1049h\033[?25l";
    private static final String LEAVE = "\033[?25h\033[?1049l";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final LsCommand ls;
    private final Duration every;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final PrintStream out = System.out;
    private boolean left;

    LsWatch(LsCommand ls, Duration every) {
        this.ls = ls;
        this.every = every;
    }

    int run() {
        if (!Libc.isatty(1)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--watch: needs a terminal; for scripts, 'steward ls --json'");
        }
        Interrupts.install(stop::countDown);
        Thread restore = new Thread(this::leave);
        Runtime.getRuntime().addShutdownHook(restore);
        out.print(ENTER);
        try {
            do {
                draw(frame());
            } while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leave();
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook has run
            }
        }
        return 0;
    }

    /** The header, then the table, or the one-line error that took its place this time. */
    private String frame() {
        String header = "every " + io.steward.api.Durations.format(every) + ": " + ls.commandLine() + "  "
                + LocalTime.now().format(CLOCK) + "\n\n";
        try {
            return header + LsCommand.table(ls.list());
        } catch (StewardException e) {
            return header + "steward: " + e.getMessage() + "\n";
        }
    }

    /** Home, each line cleared to its end, then the rest of the screen: no blank frame between two tables. */
    private void draw(String frame) {
        out.print("\033[H" + frame.replace("\n", "\033[K\n") + "\033[J");
        out.flush();
    }

    private synchronized void leave() {
        if (!left) {
            left = true;
            out.print(LEAVE);
            out.flush();
        }
    }
}
