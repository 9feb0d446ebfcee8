package io.steward.sys;

/**
 * A failed native call: names the call, the errno and its meaning, e.g.
 * {@code posix_spawn(/bin/nope): ENOENT (No such file or directory)}.
 */
public final class NativeException extends RuntimeException {
    private final String call;
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, with its most telling argument, e.g. {@code chdir(/nope)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
