package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One fanotify group of the notification class (never permission events: nothing ever waits on
 * steward), reporting directory file handles and entry names ({@code FAN_REPORT_DFID_NAME}), so
 * events carry no open fd and create, delete and rename come with names. A filesystem mark sees
 * every process of the host, so {@link Listener#accepts} filters by pid before any path is built.
 * Marking a filesystem needs CAP_SYS_ADMIN: without it (since Linux 5.13, which lets anyone open
 * a group that reports file handles) {@link #open} works and {@link #markFilesystem} fails with
 * {@code fanotify_mark: EPERM}; older kernels refuse {@code fanotify_init} with EPERM.
 */
public final class Fanotify implements AutoCloseable {
    public static final long OPEN = 0x20;
    public static final long MODIFY = 0x2;
    public static final long CLOSE_WRITE = 0x8;
    public static final long MOVED_FROM = 0x40;
    public static final long MOVED_TO = 0x80;
    public static final long CREATE = 0x100;
    public static final long DELETE = 0x200;
    public static final long Q_OVERFLOW = 0x4000;
    public static final long EVENT_ON_CHILD = 0x08000000;
    /** Old and new directory and name in one event; Linux 5.17 and later. */
    public static final long RENAME = 0x10000000;
    public static final long ONDIR = 0x40000000;

    /** What steward asks of a filesystem: opens, writes and the directory entry changes, of files and directories. */
    public static final long ACTIVITY = OPEN | MODIFY | CREATE | DELETE | RENAME | EVENT_ON_CHILD | ONDIR;

    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_CLASS_NOTIF = 0x0;
    private static final int FAN_REPORT_DFID_NAME = 0x400 | 0x800;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_FILESYSTEM = 0x100;
    private static final int O_LARGEFILE = 0x8000;
    private static final int O_PATH = 0x200000;
    private static final int AT_FDCWD = -100;
    private static final long STATFS_SIZE = 120;
    private static final long STATFS_FSID = 56;
    private static final long READ_BUFFER = 64 * 1024;

    private static final MethodHandle INIT = Native.errnoCall("fanotify_init", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle MARK =
            Native.errnoCall("fanotify_mark", FunctionDescriptor.of(INT, INT, INT, LONG, INT, PTR));
    private static final MethodHandle OPEN_BY_HANDLE_AT =
            Native.errnoCall("open_by_handle_at", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle READLINK = Native.errnoCall("readlink", FunctionDescriptor.of(LONG, PTR, PTR, LONG));
    private static final MethodHandle FSTATFS = Native.errnoCall("fstatfs", FunctionDescriptor.of(INT, INT, PTR));

    /** Decoded, filtered events with their paths. */
    public interface Listener {
        /** Whether events of {@code pid} matter; asked before their paths are resolved. */
        boolean accepts(int pid);

        /**
         * One event. {@code path} is the directory's path plus "/" plus the entry's name (the
         * directory's own path for an event on it); when the directory cannot be opened again
         * (gone before the read) it is the bare name. {@code newPath} is set for {@link #RENAME} only.
         */
        void event(long mask, int pid, String path, String newPath);

        /** The kernel dropped events: its queue was full. */
        void overflow();
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(READ_BUFFER, 8);
    private final MemorySegment link = arena.allocate(4096, 8);
    private final Map<Long, Integer> markedDevices = new HashMap<>();
    private final Map<Long, Integer> mountFdByFsid = new HashMap<>();
    private final DirectoryPaths directories = new DirectoryPaths();
    private final FanotifyDecoder.Event scratch = new FanotifyDecoder.Event();

    private Fanotify(int fd) {
        this.fd = fd;
    }

    /** {@code fanotify_init} of a non-blocking, close-on-exec notification group; throws a NativeException. */
    public static Fanotify open() {
        try {
            MemorySegment st = Native.state();
            int fd = (int) INIT.invokeExact(st, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
                    Libc.O_RDONLY | O_LARGEFILE);
            if (fd < 0) {
                throw new NativeException("fanotify_init", Native.errno(st));
            }
            return new Fanotify(fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The group's fd, readable when events wait: register it with epoll. */
    public int fd() {
        return fd;
    }

    /**
     * Marks the whole filesystem holding {@code path} for {@link #ACTIVITY}. Marking a filesystem
     * already marked (same {@code st_dev}) does nothing, whatever the mask. On kernels older than 5.17, which lack
     * {@link #RENAME}, renames arrive as {@link #MOVED_FROM} and {@link #MOVED_TO} events.
     *
     * @return true when this call added the mark
     */
    public boolean markFilesystem(Path path) {
        return markFilesystem(path, ACTIVITY);
    }

    /** As {@link #markFilesystem(Path)} for the events of {@code mask}. */
    public synchronized boolean markFilesystem(Path path, long mask) {
        long dev = device(path);
        if (markedDevices.containsKey(dev)) {
            return false;
        }
        // Neither fanotify_mark nor open_by_handle_at takes an O_PATH fd (EBADF): a plain open it is.
        int dirFd = Libc.check("open(" + path + ")",
                Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0));
        try {
            int r = mark(path, mask);
            if (r == -Errno.EINVAL && (mask & RENAME) != 0) {
                r = mark(path, (mask & ~RENAME) | MOVED_FROM | MOVED_TO);
            }
            Libc.check("fanotify_mark(" + path + ")", r);
            mountFdByFsid.put(fsid(dirFd, path), dirFd);
            markedDevices.put(dev, dirFd);
            return true;
        } catch (RuntimeException e) {
            Libc.close(dirFd);
            throw e;
        }
    }

    private static long device(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:dev")).longValue();
        } catch (NoSuchFileException e) {
            throw new NativeException("stat(" + path + ")", Errno.ENOENT);
        } catch (AccessDeniedException e) {
            throw new NativeException("stat(" + path + ")", Errno.EACCES);
        } catch (IOException e) {
            throw new NativeException("stat(" + path + ")", Errno.EIO);
        }
    }

    private int mark(Path path, long mask) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int r = (int) MARK.invokeExact(st, fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, AT_FDCWD,
                    call.allocateFrom(path.toString()));
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The filesystem id events carry, as {@code statfs} reports it, read as the 8 raw bytes. */
    private long fsid(int dirFd, Path path) {
        try {
            MemorySegment st = Native.state();
            MemorySegment statfs = Native.scratch().asSlice(0, STATFS_SIZE);
            int r = (int) FSTATFS.invokeExact(st, dirFd, statfs);
            if (r < 0) {
                throw new NativeException("fstatfs(" + path + ")", Native.errno(st));
            }
            return statfs.get(ValueLayout.JAVA_LONG_UNALIGNED, STATFS_FSID);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Reads until the queue is empty, handing each event to {@code listener}. Events of pids it
     * does not accept cost a header read; a run of events in one directory opens it once.
     *
     * @return the number of events read, accepted or not
     */
    public synchronized int read(Listener listener) {
        Resolver resolver = new Resolver(listener);
        int total = 0;
        while (true) {
            long n = Libc.read(fd, buf, buf.byteSize());
            if (n == -Errno.EAGAIN) {
                return total;
            }
            Libc.check("read(fanotify)", n);
            if (n == 0) {
                return total;
            }
            total += FanotifyDecoder.decode(buf.asSlice(0, n), resolver, scratch);
        }
    }

    /** Turns directory handles into paths for the listener. */
    private final class Resolver implements FanotifyDecoder.Sink {
        private final Listener listener;

        Resolver(Listener listener) {
            this.listener = listener;
        }

        @Override
        public boolean accepts(int pid) {
            return listener.accepts(pid);
        }

        @Override
        public void event(MemorySegment events, FanotifyDecoder.Event e) {
            String path = join(directory(events, e.dir, e.dirLength), e.name);
            String newPath = e.newDir >= 0 ? join(directory(events, e.newDir, e.newDirLength), e.newName) : null;
            listener.event(e.mask, e.pid, path, newPath);
        }

        @Override
        public void directoryChanged() {
            directories.clear();
        }

        @Override
        public void overflow() {
            listener.overflow();
        }
    }

    private static String join(String dir, String name) {
        if (name == null || name.equals(".")) {
            return dir;
        }
        if (dir == null) {
            return name;
        }
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** The directory's path now, or null when it cannot be opened again. */
    private String directory(MemorySegment events, long at, int length) {
        if (at < 0) {
            return null;
        }
        MemorySegment key = events.asSlice(at, length);
        String cached = directories.get(key);
        if (cached != null) {
            return cached;
        }
        Integer mountFd = mountFdByFsid.get(key.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        if (mountFd == null) {
            return null;
        }
        String path = resolve(mountFd, key.asSlice(8));
        if (path != null) {
            directories.put(key, path);
        }
        return path;
    }

    private String resolve(int mountFd, MemorySegment handle) {
        try {
            MemorySegment st = Native.state();
            int dirFd = (int) OPEN_BY_HANDLE_AT.invokeExact(st, mountFd, handle, O_PATH | Libc.O_CLOEXEC);
            if (dirFd < 0) {
                return null;
            }
            try (Arena call = Arena.ofConfined()) {
                long n = (long) READLINK.invokeExact(st, call.allocateFrom("/proc/self/fd/" + dirFd), link, link.byteSize());
                return n <= 0 ? null : new String(link.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                        java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                Libc.close(dirFd);
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public synchronized void close() {
        for (int mountFd : markedDevices.values()) {
            Libc.close(mountFd);
        }
        markedDevices.clear();
        mountFdByFsid.clear();
        Libc.close(fd);
        arena.close();
    }
}
