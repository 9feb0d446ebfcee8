package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel's word that a TCP or UDP socket (IPv4 or IPv6) of this network namespace was freed: a
 * non-blocking {@code NETLINK_SOCK_DIAG} socket joined to the {@code SKNLGRP_*_DESTROY} multicast
 * groups. Each message is laid out as a dump's ({@link SockDiagDecoder}), with the socket's cookie,
 * addresses, final state and, for TCP, {@code tcp_info}; it has no inode and no uid any more. Joining
 * needs no privilege (the kernel marks the family {@code NL_CFG_F_NONROOT_RECV}).
 *
 * <p>A burst larger than the receive buffer makes the kernel drop messages and report
 * {@code ENOBUFS} on the next read: {@link #losses()} counts those reports, each standing for one
 * or more lost messages. Not thread-safe: one thread drains.
 */
public final class SockDestroyListener implements AutoCloseable {
    public static final int SKNLGRP_INET_TCP_DESTROY = 1;
    public static final int SKNLGRP_INET_UDP_DESTROY = 2;
    public static final int SKNLGRP_INET6_TCP_DESTROY = 3;
    public static final int SKNLGRP_INET6_UDP_DESTROY = 4;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final long SOCKADDR_NL_SIZE = 12;
    /** Asked for; the kernel caps it at net.core.rmem_max (and doubles it for bookkeeping). */
    private static final int RECEIVE_BUFFER = 4 << 20;
    /** One broadcast is one message of a few hundred bytes; a read returns one at a time. */
    private static final long READ_BUFFER = 16 * 1024;

    private static final MethodHandle SOCKET = Native.errnoCall("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = Native.errnoCall("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle SETSOCKOPT =
            Native.errnoCall("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(READ_BUFFER, 8);
    private final List<InetSocket> batch = new ArrayList<>();
    private volatile long losses;
    private boolean closed;

    private SockDestroyListener(int fd) {
        this.fd = fd;
    }

    /** Joins all four destroy groups (TCP and UDP, IPv4 and IPv6). */
    public static SockDestroyListener open() {
        return open(SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET_UDP_DESTROY, SKNLGRP_INET6_TCP_DESTROY,
                SKNLGRP_INET6_UDP_DESTROY);
    }

    /** Joins the given {@code SKNLGRP_*_DESTROY} groups. */
    public static SockDestroyListener open(int... groups) {
        return withReceiveBuffer(RECEIVE_BUFFER, groups);
    }

    /** As {@link #open(int...)} with a receive buffer of {@code receiveBuffer} bytes asked for. */
    static SockDestroyListener withReceiveBuffer(int receiveBuffer, int... groups) {
        int mask = 0;
        for (int g : groups) {
            if (g < SKNLGRP_INET_TCP_DESTROY || g > SKNLGRP_INET6_UDP_DESTROY) {
                throw new IllegalArgumentException("not a sock_diag destroy group: " + g);
            }
            mask |= 1 << (g - 1);
        }
        int fd = socket();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocateFrom(ValueLayout.JAVA_INT, receiveBuffer);
            // A smaller buffer than asked for only makes losses likelier, and they are counted.
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, size);
            MemorySegment addr = a.allocate(SOCKADDR_NL_SIZE, 4);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            addr.set(ValueLayout.JAVA_INT, 8, mask);
            MemorySegment st = Native.state();
            int r = (int) BIND.invokeExact(st, fd, addr, (int) SOCKADDR_NL_SIZE);
            if (r < 0) {
                throw new NativeException("bind(NETLINK_SOCK_DIAG, destroy groups)", Native.errno(st));
            }
            return new SockDestroyListener(fd);
        } catch (Throwable t) {
            Libc.close(fd);
            throw Native.rethrow(t);
        }
    }

    /** For epoll or poll: readable when a broadcast (or a loss report) is waiting. */
    public int fd() {
        return fd;
    }

    /**
     * Reads every waiting broadcast, passing each destroyed socket to {@code sink}, until the socket
     * is empty.
     *
     * @return the number of sockets passed
     */
    public int drain(Consumer<? super InetSocket> sink) {
        if (closed) {
            throw new IllegalStateException("sock_diag destroy listener is closed");
        }
        int passed = 0;
        while (true) {
            long n = Libc.read(fd, buf, buf.byteSize());
            if (n == -Errno.EAGAIN) {
                return passed;
            }
            if (n == -Errno.ENOBUFS) {
                losses++;
                continue;
            }
            if (n == -Errno.EINTR) {
                continue;
            }
            Libc.check("recv(NETLINK_SOCK_DIAG destroy)", n);
            batch.clear();
            // Broadcasts name their protocol; TCP stands in only if one ever did not.
            SockDiagDecoder.decode(buf.asSlice(0, n), SockDiag.IPPROTO_TCP, batch);
            for (InetSocket s : batch) {
                sink.accept(s);
                passed++;
            }
        }
    }

    /** How many times the kernel reported dropped broadcasts (ENOBUFS) since {@link #open()}. */
    public long losses() {
        return losses;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }

    private static int socket() {
        try {
            MemorySegment st = Native.state();
            int fd = (int) SOCKET.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    NETLINK_SOCK_DIAG);
            if (fd < 0) {
                throw new NativeException("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static void setsockopt(int fd, int level, int name, MemorySegment value) throws Throwable {
        MemorySegment st = Native.state();
        int r = (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, (int) value.byteSize());
        if (r < 0) {
            throw new NativeException("setsockopt(NETLINK_SOCK_DIAG)", Native.errno(st));
        }
    }
}
