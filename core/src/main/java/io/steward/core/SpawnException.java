package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Errno;

/** A command that could not start: names the path at fault and the errno. */
public final class SpawnException extends StewardException {
    static final String PROGRAM = "program";
    static final String DIRECTORY = "working directory";
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
        return what.equals(PROGRAM) && (errno == Errno.ENOENT || errno == Errno.ENOTDIR) ? 127 : 126;
    }
}
