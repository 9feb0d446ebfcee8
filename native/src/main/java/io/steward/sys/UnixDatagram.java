package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A non-blocking, close-on-exec Unix datagram socket: the heartbeat receiver (bound to a path,
 * mode 0600, with {@code SO_PASSCRED} so the kernel attests each sender's pid, uid and gid) or an
 * unbound sender. It also wraps the UDP socket of the unverified heartbeat listener, received the
 * same way but without credentials.
 *
 * <p>{@link #receive} allocates nothing: the msghdr, iovec and control buffer belong to the
 * socket, the payload goes into the caller's segment and the result into a reusable
 * {@link ReceivedDatagram}. One thread receives at a time. Sends keep nothing per socket and may come
 * from any thread.
 *
 * <p>The structs are those of 64-bit glibc, the same on x86_64 and aarch64: {@code msghdr} 56
 * bytes (name, namelen, iov, iovlen, control, controllen, flags), {@code iovec} 16, {@code cmsghdr}
 * a {@code size_t} length then level and type (data at 16, entries 8-aligned), {@code sockaddr_un}
 * a 2-byte family then 108 bytes of path.
 *
 * <p>The kernel queues only about {@code net.unix.max_dgram_qlen} (10 by default, 11 in
 * practice) datagrams for a receiver whatever its {@code SO_RCVBUF}; past that a non-blocking
 * sender gets EAGAIN, so the receiver has to drain promptly.
 */
public final class UnixDatagram implements AutoCloseable {
    /** Room for {@code SCM_CREDENTIALS} (32 bytes on 64-bit) and a good number of passed fds. */
    public static final int DEFAULT_CONTROL_SIZE = 256;

    static final int AF_UNIX = 1;
    static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_PASSCRED = 16;
    private static final int SO_RCVBUFFORCE = 33;
    static final int SCM_RIGHTS = 1;
    static final int SCM_CREDENTIALS = 2;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    static final long MSGHDR_SIZE = 56;
    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    static final long IOVEC_SIZE = 16;
    static final long CMSG_HDR = 16;
    static final long UCRED_SIZE = 12;
    static final int SUN_PATH_MAX = 108;

    private static final MethodHandle SETSOCKOPT =
            Native.errnoCall("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKOPT =
            Native.errnoCall("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    private static final MethodHandle RECVMSG = Native.errnoCall("recvmsg", FunctionDescriptor.of(LONG, INT, PTR, INT));
    private static final MethodHandle SENDMSG = Native.errnoCall("sendmsg", FunctionDescriptor.of(LONG, INT, PTR, INT));
    private static final MethodHandle SENDTO =
            Native.errnoCall("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));

    private final int fd;
    private final Path path;
    private final int controlSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment msghdr;
    private final MemorySegment iov;
    private final MemorySegment control;

    private UnixDatagram(int fd, Path path, int controlSize) {
        this.fd = fd;
        this.path = path;
        this.controlSize = controlSize;
        this.msghdr = arena.allocate(MSGHDR_SIZE, 8);
        this.iov = arena.allocate(IOVEC_SIZE, 8);
        this.control = arena.allocate(Math.max(controlSize, 8), 8);
        msghdr.set(ValueLayout.ADDRESS, MSG_NAME, MemorySegment.NULL);
        msghdr.set(ValueLayout.JAVA_INT, MSG_NAMELEN, 0);
        msghdr.set(ValueLayout.ADDRESS, MSG_IOV, iov);
        msghdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        msghdr.set(ValueLayout.ADDRESS, MSG_CONTROL, controlSize == 0 ? MemorySegment.NULL : control);
    }

    /** An unbound socket for sending. */
    public static UnixDatagram unbound() {
        return new UnixDatagram(DatagramSockets.socket(AF_UNIX), null, 0);
    }

    /**
     * A UDP socket bound to {@code address} (port 0 picks one, see {@link #localPort()}), received
     * the same way as a Unix one but with no credentials: the network does not attest senders.
     */
    public static UnixDatagram udp(InetSocketAddress address) {
        return new UnixDatagram(DatagramSockets.udp(address), null, 0);
    }

    /** The port a UDP socket is bound to (getsockname); 0 for a Unix socket. */
    public int localPort() {
        return DatagramSockets.localPort(fd);
    }

    /** {@link #bind(Path, int)} with {@link #DEFAULT_CONTROL_SIZE}. */
    public static UnixDatagram bind(Path path) {
        return bind(path, DEFAULT_CONTROL_SIZE);
    }

    /**
     * A receiver bound to {@code path}, which ends up a socket of mode 0600 and receives every
     * sender's credentials. A socket file left at {@code path} by an earlier run is removed
     * first; anything else there makes bind fail with EADDRINUSE.
     *
     * <p>The mode: bind creates the file with the socket inode's mode less the umask, so an
     * {@code fchmod(0600)} before bind means it never exists wider (Linux behaviour, not
     * documented by POSIX); a {@code chmod(0600)} after bind makes the mode exact whatever the
     * umask. The umask itself is not touched: it is shared by every thread. Should a kernel not
     * honour the fchmod, the gap until the chmod is closed only by the parent directory, so keep
     * the socket in a 0700 directory (the daemon's home is).
     *
     * @param controlSize bytes for control messages per datagram; below 32 the credentials no
     *     longer fit and every datagram reports {@link ReceivedDatagram#controlTruncated()}
     */
    public static UnixDatagram bind(Path path, int controlSize) {
        if (controlSize < 0) {
            throw new IllegalArgumentException("controlSize < 0");
        }
        int fd = DatagramSockets.bindUnix(path);
        try {
            setInt(fd, SO_PASSCRED, 1, "setsockopt(SO_PASSCRED)");
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new UnixDatagram(fd, path, controlSize);
    }

    /**
     * The receiver bound to {@code path} that this process was handed as {@code fd} (across an
     * execve): its queued datagrams are still there to read.
     */
    public static UnixDatagram adopt(int fd, Path path) {
        return new UnixDatagram(fd, path, DEFAULT_CONTROL_SIZE);
    }

    /** For epoll registration; readable means at least one datagram is queued. */
    public int fd() {
        return fd;
    }

    /** The bound path, null for an unbound socket. */
    public Path path() {
        return path;
    }

    /**
     * Asks for a receive buffer of {@code bytes}: {@code SO_RCVBUFFORCE} when privileged, else
     * {@code SO_RCVBUF} (capped by {@code net.core.rmem_max}). Best effort: never throws for a
     * refusal.
     *
     * @return the size now in effect (the kernel doubles the request for its bookkeeping)
     */
    public int receiveBuffer(int bytes) {
        if (setsockopt(fd, SO_RCVBUFFORCE, bytes) < 0) {
            setsockopt(fd, SO_RCVBUF, bytes);
        }
        return receiveBuffer();
    }

    /** The receive buffer size in effect. */
    public int receiveBuffer() {
        MemorySegment s = Native.scratch();
        MemorySegment value = s.asSlice(0, 4);
        MemorySegment len = s.asSlice(4, 4);
        len.set(ValueLayout.JAVA_INT, 0, 4);
        try {
            MemorySegment st = Native.state();
            int r = (int) GETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_RCVBUF, value, len);
            if (r < 0) {
                throw new NativeException("getsockopt(SO_RCVBUF)", Native.errno(st));
            }
            return value.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static void setInt(int fd, int option, int value, String call) {
        int r = setsockopt(fd, option, value);
        if (r < 0) {
            throw new NativeException(call, -r);
        }
    }

    private static int setsockopt(int fd, int option, int value) {
        MemorySegment v = Native.scratch().asSlice(0, 4);
        v.set(ValueLayout.JAVA_INT, 0, value);
        try {
            MemorySegment st = Native.state();
            int r = (int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, option, v, 4);
            return r < 0 ? -Native.errno(st) : 0;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Takes the next queued datagram without blocking. Its payload goes into {@code buffer} (at
     * most {@code buffer.byteSize()} bytes; a longer datagram is cut and reported as
     * {@link ReceivedDatagram#truncated()} with its real length), the rest into {@code into}.
     *
     * <p>Descriptors passed with the datagram arrive close-on-exec in {@link ReceivedDatagram#fd(int)};
     * the caller closes them ({@link ReceivedDatagram#closeFds()}) or takes the ones it keeps
     * ({@link ReceivedDatagram#takeFd(int)}). Whatever is still held when {@code into} is used for the
     * next receive is closed then, so a sender cannot make the receiver leak descriptors.
     *
     * @param buffer a native segment
     * @return false when nothing is pending (EAGAIN)
     * @throws NativeException naming recvmsg for any other failure
     */
    public boolean receive(MemorySegment buffer, ReceivedDatagram into) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("buffer must be a native segment");
        }
        into.closeFds();
        into.clear();
        iov.set(ValueLayout.ADDRESS, 0, buffer);
        iov.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
        msghdr.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, controlSize);
        msghdr.set(ValueLayout.JAVA_INT, MSG_FLAGS, 0);
        long n;
        try {
            MemorySegment st = Native.state();
            do {
                n = (long) RECVMSG.invokeExact(st, fd, msghdr,
                        MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
                if (n < 0) {
                    n = -Native.errno(st);
                }
            } while (n == -Errno.EINTR);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (n == -Errno.EAGAIN) {
            return false;
        }
        if (n < 0) {
            throw new NativeException("recvmsg", (int) -n);
        }
        int flags = msghdr.get(ValueLayout.JAVA_INT, MSG_FLAGS);
        into.length = (int) n;
        into.truncated = (flags & MSG_TRUNC) != 0;
        into.controlTruncated = (flags & MSG_CTRUNC) != 0;
        into.parseControl(control, Math.min(msghdr.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN), controlSize));
        return true;
    }

    /**
     * Sends {@code length} bytes of {@code data} to {@code to}. Never blocks and never throws
     * for the receiver's state, since a heartbeat sender must carry on without it.
     *
     * @return bytes sent or {@code -errno}: ENOENT or ECONNREFUSED when no one is bound there,
     *     EAGAIN when the receiver's queue is full
     */
    public long send(UnixAddress to, MemorySegment data, long length) {
        try {
            MemorySegment st = Native.state();
            long r = (long) SENDTO.invokeExact(st, fd, data, length, MSG_NOSIGNAL, to.sockaddr, to.length);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Like {@link #send} with {@code passFd} attached as {@code SCM_RIGHTS}, the way
     * {@code sd_notify}'s {@code BARRIER=1} passes a pipe. The caller still owns {@code passFd}.
     */
    public long send(UnixAddress to, MemorySegment data, long length, int passFd) {
        MemorySegment s = Native.scratch();
        MemorySegment hdr = s.asSlice(0, MSGHDR_SIZE);
        MemorySegment vec = s.asSlice(64, IOVEC_SIZE);
        MemorySegment cmsg = s.asSlice(80, 24);
        vec.set(ValueLayout.ADDRESS, 0, data);
        vec.set(ValueLayout.JAVA_LONG, 8, length);
        cmsg.fill((byte) 0);
        cmsg.set(ValueLayout.JAVA_LONG, 0, CMSG_HDR + 4);
        cmsg.set(ValueLayout.JAVA_INT, 8, SOL_SOCKET);
        cmsg.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
        cmsg.set(ValueLayout.JAVA_INT, CMSG_HDR, passFd);
        hdr.set(ValueLayout.ADDRESS, MSG_NAME, to.sockaddr);
        hdr.set(ValueLayout.JAVA_INT, MSG_NAMELEN, to.length);
        hdr.set(ValueLayout.ADDRESS, MSG_IOV, vec);
        hdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        hdr.set(ValueLayout.ADDRESS, MSG_CONTROL, cmsg);
        hdr.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, 24);
        hdr.set(ValueLayout.JAVA_INT, MSG_FLAGS, 0);
        try {
            MemorySegment st = Native.state();
            long r = (long) SENDMSG.invokeExact(st, fd, hdr, MSG_NOSIGNAL);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Closes the socket. A bound path stays: the next bind removes it as stale. */
    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
