package io.steward.sys;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An exclusive {@code flock(2)} on a file, held until {@link #close} or until the process ends:
 * the kernel drops it with the last descriptor of the open file, so a SIGKILLed holder never
 * leaves a stale lock behind. The descriptor is close-on-exec, so no child inherits the lock and
 * keeps it after its parent died.
 */
public final class FileLock implements AutoCloseable {
    private final Path file;
    private int fd;

    private FileLock(Path file, int fd) {
        this.file = file;
        this.fd = fd;
    }

    /**
     * Takes the lock on {@code file} (created mode 0600 when missing; a symbolic link is refused)
     * without waiting.
     *
     * @return the lock, or empty when another open file holds it
     * @throws NativeException naming the call when the file cannot be opened or locked
     */
    public static Optional<FileLock> tryExclusive(Path file) {
        String name = file.toString();
        int fd = Libc.check("open(" + name + ")",
                Libc.open(name, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0600));
        int r;
        do {
            r = Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
        } while (r == -Errno.EINTR);
        if (r == -Errno.EAGAIN) {
            Libc.close(fd);
            return Optional.empty();
        }
        if (r < 0) {
            Libc.close(fd);
            throw new NativeException("flock(" + name + ")", -r);
        }
        return Optional.of(new FileLock(file, fd));
    }

    /**
     * The lock held through {@code fd}, a descriptor this process was handed (across an execve) that
     * still holds it: flock locks belong to the open file, so the holder goes on holding it.
     */
    public static FileLock adopt(Path file, int fd) {
        return new FileLock(file, fd);
    }

    /** The descriptor that holds the lock, or -1 once released. */
    public synchronized int fd() {
        return fd;
    }

    public Path file() {
        return file;
    }

    /** Releases the lock (closing the descriptor does); idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
