package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

    /** Asked for; the kernel caps it at net.core.rmem_max (and doubles it for bookkeeping). */
    private static final int RECEIVE_BUFFER = 4 << 20;
    /** One broadcast is one message of a few hundred bytes; a read returns one at a time. */
    private static final long READ_BUFFER = 16 * 1024;


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
        int fd = Netlink.socket(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", true);
        try {
            Netlink.receiveBuffer(fd, receiveBuffer, "NETLINK_SOCK_DIAG");
            Netlink.bind(fd, mask, "NETLINK_SOCK_DIAG, destroy groups");
            return new SockDestroyListener(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
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
}
