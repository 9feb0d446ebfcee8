package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.LockHolder;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Nothing answers on the daemon's socket. */
public final class DaemonUnreachableException extends StewardException {
    private final long holder;

    public DaemonUnreachableException(Path socket, Exception cause) {
        super(ErrorCode.INTERNAL, "no daemon answers on " + socket + " (" + cause.getMessage() + ")", cause);
        this.holder = LockHolder.NONE;
    }

    private DaemonUnreachableException(String message, long holder) {
        super(ErrorCode.INTERNAL, message);
        this.holder = holder;
    }

    /**
     * A daemon holds the home's lock, so it lives and no other may start, yet it did not answer on
     * {@code socket} within {@code waitedMs}.
     *
     * @param holder its pid, or {@link LockHolder#UNKNOWN}
     */
    public static DaemonUnreachableException notAnswering(Path socket, Path lock, long holder, long waitedMs) {
        return new DaemonUnreachableException("the daemon holding " + lock
                + (holder > 0 ? " (pid " + holder + ")" : "") + " does not answer on " + socket + " within "
                + waitedMs / 1000 + "s; no other daemon may start while it holds the lock", holder);
    }

    /** The pid of a daemon that holds the home's lock but does not answer; {@link LockHolder#NONE} when none does. */
    public long lockHolder() {
        return holder;
    }

    /**
     * A daemon that was started but does not answer, in one line: {@code why}, the last line its log
     * gained from byte {@code logFrom} on (the daemon's own last words, usually the reason), and
     * where the log is.
     */
    public static DaemonUnreachableException didNotStart(Path socket, Path log, long logFrom, String why) {
        return new DaemonUnreachableException(socket,
                new IllegalStateException(why + ": " + lastLine(log, logFrom) + " (see " + log + ")"));
    }

    private static String lastLine(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            String text = new String(all, start, all.length - start, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "no output in its log" : text.substring(text.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            return "no log";
        }
    }
}
