package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Errno;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A command that could not start: names the path at fault and the errno. */
public final class SpawnException extends StewardException {
    static final String PROGRAM = "program";
    static final String DIRECTORY = "working directory";
    /** The message as the constructor writes it, so a client can read a spawn failure the daemon passed on. */
    private static final Pattern MESSAGE = Pattern.compile(
            "cannot start: (" + PROGRAM + "|" + DIRECTORY + ") '.*': ([A-Z0-9]+) \\(.*\\)", Pattern.DOTALL);
    private final String what;
    private final String path;
    private final int errno;

    SpawnException(String what, String path, int errno) {
        super(ErrorCode.INVALID_INPUT,
                "cannot start: " + what + " '" + path + "': " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.what = what;
        this.path = path;
        this.errno = errno;
    }

    /** The program or directory that could not be used. */
    public String path() {
        return path;
    }

    public int errno() {
        return errno;
    }

    /** The shell's convention: 127 when the program is not there, 126 when it is there but cannot run. */
    public int shellCode() {
        return shellCode(what, Errno.name(errno));
    }

    /**
     * {@link #shellCode} of the failure a message describes, when it is a spawn failure's message (as
     * the daemon answers a start it could not make); empty for any other message.
     */
    public static OptionalInt shellCodeOf(String message) {
        Matcher m = MESSAGE.matcher(message);
        return m.matches() ? OptionalInt.of(shellCode(m.group(1), m.group(2))) : OptionalInt.empty();
    }

    private static int shellCode(String what, String errnoName) {
        boolean absent = errnoName.equals(Errno.name(Errno.ENOENT)) || errnoName.equals(Errno.name(Errno.ENOTDIR));
        return what.equals(PROGRAM) && absent ? 127 : 126;
    }
}
