package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * One epoll instance with its event buffer. Each registration carries a caller-chosen 64-bit
 * token. {@code struct epoll_event} is packed (12 bytes) on x86_64 and naturally aligned
 * (16 bytes) elsewhere.
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = 0x001;
    public static final int OUT = 0x004;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    public static final int RDHUP = 0x2000;

    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private static final long EVENT_SIZE = Native.X86_64 ? 12 : 16;
    private static final long DATA_OFFSET = Native.X86_64 ? 4 : 8;
    private static final ValueLayout.OfLong DATA = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final MethodHandle CREATE = Native.errnoCall("epoll_create1", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle CTL =
            Native.errnoCall("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, PTR));
    private static final MethodHandle WAIT =
            Native.errnoCall("epoll_wait", FunctionDescriptor.of(INT, INT, PTR, INT, INT));
    private static final MethodHandle EVENTFD = Native.errnoCall("eventfd", FunctionDescriptor.of(INT, INT, INT));

    private final int epfd;
    private final int capacity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment ctlEvent;

    public Epoll(int capacity) {
        this.capacity = capacity;
        this.events = arena.allocate(EVENT_SIZE * capacity, 8);
        this.ctlEvent = arena.allocate(16, 8);
        try {
            MemorySegment st = Native.state();
            int fd = (int) CREATE.invokeExact(st, EPOLL_CLOEXEC);
            if (fd < 0) {
                arena.close();
                throw new NativeException("epoll_create1", Native.errno(st));
            }
            this.epfd = fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public void add(int fd, int events, long token) {
        ctl(CTL_ADD, "epoll_ctl(ADD)", fd, events, token);
    }

    public void modify(int fd, int events, long token) {
        ctl(CTL_MOD, "epoll_ctl(MOD)", fd, events, token);
    }

    /** Removes fd; an fd already closed (EBADF) or never added (ENOENT) is not an error. */
    public void remove(int fd) {
        try {
            MemorySegment st = Native.state();
            int r = (int) CTL.invokeExact(st, epfd, CTL_DEL, fd, MemorySegment.NULL);
            int errno = r < 0 ? Native.errno(st) : 0;
            if (r < 0 && errno != Errno.EBADF && errno != Errno.ENOENT) {
                throw new NativeException("epoll_ctl(DEL)", errno);
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private synchronized void ctl(int op, String call, int fd, int events, long token) {
        ctlEvent.set(ValueLayout.JAVA_INT, 0, events);
        ctlEvent.set(DATA, DATA_OFFSET, token);
        try {
            MemorySegment st = Native.state();
            int r = (int) CTL.invokeExact(st, epfd, op, fd, ctlEvent);
            if (r < 0) {
                throw new NativeException(call, Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Waits for events; read them with {@link #events(int)} and {@link #token(int)}.
     *
     * @return the number of ready events, 0 on timeout or interruption by a signal
     */
    public int await(int timeoutMillis) {
        try {
            MemorySegment st = Native.state();
            int n = (int) WAIT.invokeExact(st, epfd, events, capacity, timeoutMillis);
            if (n < 0) {
                int errno = Native.errno(st);
                if (errno == Errno.EINTR) {
                    return 0;
                }
                throw new NativeException("epoll_wait", errno);
            }
            return n;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public int events(int index) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, index * EVENT_SIZE);
    }

    public long token(int index) {
        return events.get(DATA, index * EVENT_SIZE + DATA_OFFSET);
    }

    /** A non-blocking eventfd, the loop's doorbell. */
    public static int eventfd() {
        try {
            MemorySegment st = Native.state();
            int fd = (int) EVENTFD.invokeExact(st, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                throw new NativeException("eventfd", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void close() {
        Libc.close(epfd);
        arena.close();
    }
}
