package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * File descriptors, signals and process attributes. Calls that fail return {@code -errno}
 * instead of throwing, so hot paths (read, write, EAGAIN) never build exceptions;
 * {@link #check} turns a result into a {@link NativeException} naming the call.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_NOCTTY = 0x100;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_CREAT = 0x40;
    public static final int O_NOFOLLOW = 0x20000;

    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;
    public static final int SPLICE_F_NONBLOCK = 2;

    public static final int PR_SET_CHILD_SUBREAPER = 36;
    public static final int PR_GET_CHILD_SUBREAPER = 37;
    public static final int PRIO_PROCESS = 0;

    private static final int SC_CLK_TCK = 2;
    private static final int SC_PAGESIZE = 30;

    private static final MethodHandle READ = Native.errnoCall("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle PREAD =
            Native.errnoCall("pread", FunctionDescriptor.of(LONG, INT, PTR, LONG, LONG));
    private static final MethodHandle WRITE = Native.errnoCall("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle CLOSE = Native.errnoCall("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle TEE = Native.errnoCall("tee", FunctionDescriptor.of(LONG, INT, INT, LONG, INT));
    private static final MethodHandle PIPE2 = Native.errnoCall("pipe2", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle FCNTL = Native.errnoCall("fcntl",
            FunctionDescriptor.of(INT, INT, INT, INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = Native.errnoCall("ioctl",
            FunctionDescriptor.of(INT, INT, LONG, PTR), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle KILL = Native.errnoCall("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle OPEN = Native.errnoCall("open",
            FunctionDescriptor.of(INT, PTR, INT, INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = Native.errnoCall("flock", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle PRCTL = Native.errnoCall("prctl",
            FunctionDescriptor.of(INT, INT, LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SETPRIORITY =
            Native.errnoCall("setpriority", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SYSCALL = Native.errnoCall("syscall",
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle POLL = Native.errnoCall("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
    private static final MethodHandle GETSOCKOPT =
            Native.errnoCall("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    private static final MethodHandle GETPID = Native.call("getpid", FunctionDescriptor.of(INT));
    private static final MethodHandle ISATTY = Native.call("isatty", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle SYSCONF = Native.call("sysconf", FunctionDescriptor.of(LONG, INT));
    private static final MethodHandle STRERROR = Native.call("strerror", FunctionDescriptor.of(PTR, INT));

    private Libc() {}

    /** Throws a {@link NativeException} naming {@code call} when {@code result} is {@code -errno}. */
    public static long check(String call, long result) {
        if (result < 0) {
            throw new NativeException(call, (int) -result);
        }
        return result;
    }

    public static int check(String call, int result) {
        if (result < 0) {
            throw new NativeException(call, -result);
        }
        return result;
    }

    /**
     * Copies up to {@code len} bytes from pipe {@code in} to pipe {@code out} without consuming
     * them: the bytes copied, or {@code -errno} (EAGAIN with {@link #SPLICE_F_NONBLOCK} and nothing to copy).
     */
    public static long tee(int in, int out, long len, int flags) {
        try {
            MemorySegment st = Native.state();
            long r = (long) TEE.invokeExact(st, in, out, len, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Bytes read, 0 at end of file, or {@code -errno} (EAGAIN when a non-blocking fd is empty). */
    public static long read(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            long r = (long) READ.invokeExact(st, fd, buf, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Reads at an absolute file offset; on /proc files, offset 0 regenerates the content. */
    public static long pread(int fd, MemorySegment buf, long len, long offset) {
        try {
            MemorySegment st = Native.state();
            long r = (long) PREAD.invokeExact(st, fd, buf, len, offset);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Bytes written or {@code -errno} (EAGAIN when a non-blocking fd is full, EPIPE when the reader is gone). */
    public static long write(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            long r = (long) WRITE.invokeExact(st, fd, buf, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Closes the fd; Linux releases it even when close reports EINTR, so that is not retried. */
    public static int close(int fd) {
        if (fd < 0) {
            return 0;
        }
        try {
            MemorySegment st = Native.state();
            int r = (int) CLOSE.invokeExact(st, fd);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A pipe: {@code [read end, write end]}. Two per spawn: the fds come back through the thread's scratch. */
    public static int[] pipe2(int flags) {
        try {
            MemorySegment fds = Native.scratch().asSlice(0, 8);
            MemorySegment st = Native.state();
            int r = (int) PIPE2.invokeExact(st, fds, flags);
            if (r < 0) {
                throw new NativeException("pipe2", Native.errno(st));
            }
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, int arg) {
        try {
            MemorySegment st = Native.state();
            int r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment st = Native.state();
            int r = (int) IOCTL.invokeExact(st, fd, request, arg);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** kill(2). A negative pid addresses a process group. */
    public static int kill(int pid, int signal) {
        try {
            MemorySegment st = Native.state();
            int r = (int) KILL.invokeExact(st, pid, signal);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int r = (int) OPEN.invokeExact(st, arena.allocateFrom(path), flags, mode);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** flock(2): an advisory lock on the open file behind {@code fd}; 0 or {@code -errno} (EWOULDBLOCK when held). */
    public static int flock(int fd, int operation) {
        try {
            MemorySegment st = Native.state();
            int r = (int) FLOCK.invokeExact(st, fd, operation);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int prctl(int option, long arg) {
        try {
            MemorySegment st = Native.state();
            int r = (int) PRCTL.invokeExact(st, option, arg);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setpriority(int which, int who, int priority) {
        try {
            MemorySegment st = Native.state();
            int r = (int) SETPRIORITY.invokeExact(st, which, who, priority);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A raw system call with up to five integer or address arguments; result or {@code -errno}. */
    public static long syscall(long number, long a, long b, long c, long d, long e) {
        try {
            MemorySegment st = Native.state();
            long r = (long) SYSCALL.invokeExact(st, number, a, b, c, d, e);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static final short POLLIN = 1;
    public static final short POLLOUT = 4;
    public static final short POLLERR = 8;

    /**
     * poll(2) over several fds, all for {@code events}; on return {@code revents[i]} holds what fd
     * {@code i} reported. No allocation: the pollfd array lives in the thread's scratch segment.
     *
     * @return the ready count (0 on timeout) or {@code -errno}
     */
    public static int poll(int[] fds, int count, short events, int timeoutMillis, short[] revents) {
        if (count > 64) {
            throw new IllegalArgumentException("at most 64 fds");
        }
        try {
            MemorySegment pfd = Native.scratch().asSlice(0, 8L * count);
            for (int i = 0; i < count; i++) {
                pfd.set(ValueLayout.JAVA_INT, 8L * i, fds[i]);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 4, events);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 6, (short) 0);
            }
            MemorySegment st = Native.state();
            int r = (int) POLL.invokeExact(st, pfd, (long) count, timeoutMillis);
            if (r < 0) {
                return -Native.errno(st);
            }
            for (int i = 0; i < count; i++) {
                revents[i] = pfd.get(ValueLayout.JAVA_SHORT, 8L * i + 6);
            }
            return r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for {@code events} on one fd; the ready count (0 on timeout) or {@code -errno}. */
    public static int poll(int fd, short events, int timeoutMillis) {
        try {
            MemorySegment pfd = Native.scratch().asSlice(0, 8);
            pfd.set(ValueLayout.JAVA_INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, events);
            MemorySegment st = Native.state();
            int r = (int) POLL.invokeExact(st, pfd, 1L, timeoutMillis);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;

    /** The kernel's record of the process at the other end of a Unix socket, as of its connect(). */
    public record PeerCredentials(int pid, int uid, int gid) {}

    /** getsockopt(SO_PEERCRED) on a connected Unix socket. */
    public static PeerCredentials peerCredentials(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ucred = arena.allocate(12, 4);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 12);
            MemorySegment st = Native.state();
            int r = (int) GETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_PEERCRED, ucred, len);
            if (r < 0) {
                throw new NativeException("getsockopt(SO_PEERCRED)", Native.errno(st));
            }
            return new PeerCredentials(ucred.get(ValueLayout.JAVA_INT, 0), ucred.get(ValueLayout.JAVA_INT, 4),
                    ucred.get(ValueLayout.JAVA_INT, 8));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final MethodHandle GETUID = Native.call("getuid", FunctionDescriptor.of(INT));

    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static boolean isatty(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Clock ticks per second, the unit of start times in /proc/PID/stat. */
    public static long clockTicks() {
        try {
            return (long) SYSCONF.invokeExact(SC_CLK_TCK);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Bytes per memory page, the unit of resident sets in /proc/PID/stat. */
    public static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
