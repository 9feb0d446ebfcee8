package io.steward.core;

import io.steward.core.Capabilities.Capability;
import io.steward.core.Capabilities.Support;
import io.steward.core.FileActivity.Kind;
import io.steward.sys.Errno;
import io.steward.sys.Fanotify;
import io.steward.sys.Libc;
import io.steward.sys.NativeException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * File activity of watched process trees, from one fanotify group for the whole runtime. Opened
 * only when a session first asks for file events, so it costs nothing (no fd, no thread) until
 * then; the owner polls {@link #fd()} and calls {@link #drain} when it is readable.
 *
 * <p>A flood is coalesced: within one drain, each (pid, path) is reported {@code opened} and
 * {@code written} at most once, so a process appending to a log thousands of times between two
 * drains yields one {@code written}. Entry changes (created, deleted, moved) are all reported, in
 * order. Events caused by this process itself (the daemon's own journal, for one) are dropped.
 */
public final class FileWatch implements AutoCloseable {
    static final String SUPPORTED_REASON = "opened, written, created, deleted and moved, with path and pid, "
            + "for a session's process tree, rate-limited per session; read/write bytes and open files from /proc";
    static final String PARTIAL_REASON = "read/write bytes and open files per session from /proc/PID/io and fd; "
            + "no file events: ";

    private final Fanotify fanotify;
    private final int self = Libc.getpid();
    private final Set<Coalesced> seenThisDrain = new HashSet<>();
    private long overflows;

    private record Coalesced(Kind kind, int pid, String path) {}

    private FileWatch(Fanotify fanotify) {
        this.fanotify = fanotify;
    }

    /** Opens the group; a NativeException names the call and errno (EPERM without CAP_SYS_ADMIN). */
    public static FileWatch open() {
        return new FileWatch(Fanotify.open());
    }

    /**
     * Watches the whole filesystem holding {@code dir} (a filesystem mark: every path on it, which
     * is what a process tree that wanders needs); a filesystem already watched is not marked again.
     *
     * @return true when this call added a filesystem
     * @throws NativeException when the kernel refuses the mark (EPERM without CAP_SYS_ADMIN,
     *         ENODEV or EXDEV for filesystems without a usable id)
     */
    public boolean watch(Path dir) {
        return fanotify.markFilesystem(dir);
    }

    /** As {@link #watch(Path)} for the events of {@code mask}: lets tests take the path of kernels before 5.17. */
    boolean watch(Path dir, long mask) {
        return fanotify.markFilesystem(dir, mask);
    }

    /** Readable when events wait. */
    public int fd() {
        return fanotify.fd();
    }

    /** How often the kernel's queue overflowed and dropped events, since this watch opened. */
    public synchronized long overflows() {
        return overflows;
    }

    /**
     * Reads every waiting event and hands the listener what its pids did, coalesced as the class
     * says, stamped with the time of this drain.
     *
     * @return how many activities the listener received
     */
    public synchronized int drain(FileActivityListener listener) {
        seenThisDrain.clear();
        Delivery delivery = new Delivery(listener, Instant.now());
        fanotify.read(delivery);
        delivery.flushMove();
        return delivery.delivered;
    }

    /** One drain's translation of kernel masks into activities. */
    private final class Delivery implements Fanotify.Listener {
        private final FileActivityListener listener;
        private final Instant at;
        int delivered;
        private int movedFromPid;
        private String movedFrom;

        Delivery(FileActivityListener listener, Instant at) {
            this.listener = listener;
            this.at = at;
        }

        @Override
        public boolean accepts(int pid) {
            return pid != self && listener.accepts(pid);
        }

        @Override
        public void event(long mask, int pid, String path, String newPath) {
            if (path == null && newPath == null) {
                return; // no directory record: nothing to name (not asked for, but not to be printed as "null")
            }
            boolean dir = (mask & Fanotify.ONDIR) != 0;
            // A merged event lists what happened in this order: an entry is created before it is opened.
            if ((mask & Fanotify.CREATE) != 0) {
                emit(Kind.CREATED, pid, path, null);
            }
            if ((mask & Fanotify.OPEN) != 0 && !dir) {
                once(Kind.OPENED, pid, path);
            }
            if ((mask & Fanotify.MODIFY) != 0) {
                once(Kind.WRITTEN, pid, path);
            }
            if ((mask & Fanotify.RENAME) != 0) {
                emit(Kind.MOVED, pid, path, newPath);
            }
            if ((mask & Fanotify.MOVED_FROM) != 0) {
                flushMove();
                movedFromPid = pid;
                movedFrom = path;
            }
            if ((mask & Fanotify.MOVED_TO) != 0) {
                if (movedFrom != null && movedFromPid == pid) {
                    emit(Kind.MOVED, pid, movedFrom, path);
                    movedFrom = null;
                } else {
                    flushMove();
                    emit(Kind.MOVED, pid, null, path);
                }
            }
            if ((mask & Fanotify.DELETE) != 0) {
                emit(Kind.DELETED, pid, path, null);
            }
        }

        @Override
        public void overflow() {
            overflows++;
        }

        /** A moved-from whose moved-to did not follow (moved out of the watched filesystems). */
        void flushMove() {
            if (movedFrom != null) {
                emit(Kind.MOVED, movedFromPid, movedFrom, null);
                movedFrom = null;
            }
        }

        private void once(Kind kind, int pid, String path) {
            if (seenThisDrain.add(new Coalesced(kind, pid, path))) {
                emit(kind, pid, path, null);
            }
        }

        private void emit(Kind kind, int pid, String path, String toPath) {
            delivered++;
            listener.activity(new FileActivity(kind, pid, path, toPath, at));
        }
    }

    @Override
    public void close() {
        fanotify.close();
    }

    /** The {@code file} row of the capability matrix, probed once: a group opened and a filesystem marked, then closed. */
    public static Capability probe() {
        return Probe.ROW;
    }

    private static final class Probe {
        static final Capability ROW = probe(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Capability probe(Path dir) {
        try (FileWatch watch = open()) {
            watch.watch(dir);
            return new Capability("file", Support.SUPPORTED, "fanotify", SUPPORTED_REASON);
        } catch (NativeException e) {
            String why = e.errno() == Errno.EPERM
                    ? "fanotify needs CAP_SYS_ADMIN: " + e.call() + ": " + e.errnoName()
                    : "fanotify failed here: " + e.getMessage();
            return new Capability("file", Support.PARTIAL, "/proc-io", PARTIAL_REASON + why);
        }
    }
}
