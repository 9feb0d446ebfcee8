package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.LockHolder;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.sys.FileLock;
import io.steward.sys.NativeException;
import java.nio.file.Path;

/**
 * One daemon per home: an {@code flock} on {@code STEWARD_HOME/daemon.lock}, taken before the
 * daemon reads its journal and held for its whole life. A second daemon (a concurrent start, or a
 * start after someone deleted the socket) is refused before it touches anything, above all before
 * it would end the first one's live sessions as leftovers of a crash. The kernel drops the lock
 * when the holder dies, however it dies.
 */
final class HomeLock implements AutoCloseable {
    private final FileLock lock;

    private HomeLock(FileLock lock) {
        this.lock = lock;
    }

    /**
     * Takes the home's lock.
     *
     * @throws StewardException {@code conflict} naming the pid that holds it
     */
    static HomeLock acquire(StewardHome home) {
        Path file = home.lock();
        try {
            return new HomeLock(FileLock.tryExclusive(file).orElseThrow(() -> held(file)));
        } catch (NativeException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** The lock a daemon before this one held and handed over as {@code fd}: it is held still, by this process. */
    static HomeLock adopt(StewardHome home, int fd) {
        return new HomeLock(FileLock.adopt(home.lock(), fd));
    }

    /** Its descriptor, which a hand-over keeps so the lock is never let go. */
    int fd() {
        return lock.fd();
    }

    private static StewardException held(Path file) {
        long pid = LockHolder.of(file);
        String who = pid > 0 ? "the daemon with pid " + pid : "another daemon";
        return new StewardException(ErrorCode.CONFLICT, who + " holds " + file
                + ": it owns this home, so this one exits and leaves its sessions alone");
    }

    @Override
    public void close() {
        lock.close();
    }
}
