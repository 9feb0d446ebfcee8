package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel's process events for the whole host: a {@code NETLINK_CONNECTOR} socket subscribed
 * to {@code CN_IDX_PROC} with {@code PROC_CN_MCAST_LISTEN}. Non-blocking; {@link #read} decodes one
 * event at a time into one reused {@link ProcEvent}, so a fork storm allocates nothing here.
 *
 * <p>Linux before 6.6 asks for CAP_NET_ADMIN; in a non-initial user or PID namespace the
 * subscription is accepted and silently ignored, so whether events flow is for the caller to find
 * out. Loss shows as {@code ENOBUFS} (the socket's buffer overran) and as gaps in the per-CPU
 * sequence numbers.
 */
public final class ProcConnector implements AutoCloseable {
    public static final int FORK = 0x1;
    public static final int EXEC = 0x2;
    public static final int SID = 0x80;
    public static final int EXIT = 0x80000000;

    private static final int CN_IDX_PROC = 1;
    private static final int CN_VAL_PROC = 1;
    private static final int PROC_CN_MCAST_LISTEN = 1;
    private static final short NLMSG_DONE = 3;
    private static final int ENOBUFS = 105;
    private static final int EAGAIN = 11;

    /** nlmsghdr (16) + cn_msg (20): where proc_event begins. */
    private static final long EVENT = 36;
    private static final long CN_SEQ = 16 + 8;
    private static final ValueLayout.OfLong UNALIGNED_LONG = ValueLayout.JAVA_LONG_UNALIGNED;


    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(4096, 8);

    private ProcConnector(int fd) {
        this.fd = fd;
    }

    /**
     * Opens, binds and subscribes.
     *
     * @param receiveBuffer the socket's receive buffer in bytes, 0 for the system's default; root
     *     may go past {@code net.core.rmem_max}
     * @throws NativeException naming the call that failed (EPERM before Linux 6.6 without CAP_NET_ADMIN)
     */
    public static ProcConnector open(int receiveBuffer) {
        int fd = Netlink.socket(Netlink.NETLINK_CONNECTOR, "NETLINK_CONNECTOR", true);
        try {
            ProcConnector c = new ProcConnector(fd);
            if (receiveBuffer > 0) {
                Netlink.receiveBuffer(fd, receiveBuffer, "NETLINK_CONNECTOR");
            }
            Netlink.bind(fd, CN_IDX_PROC, "NETLINK_CONNECTOR, CN_IDX_PROC");
            c.listen();
            return c;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads the next event.
     *
     * @return 1 with {@code into} filled, 0 when none is queued, or {@code -ENOBUFS} when the kernel
     *     dropped events because the buffer was full (the socket goes on working)
     */
    public int read(ProcEvent into) {
        while (true) {
            long n = Libc.read(fd, buf, buf.byteSize());
            if (n == -EAGAIN) {
                return 0;
            }
            if (n == -ENOBUFS) {
                return -ENOBUFS;
            }
            Libc.check("recv(NETLINK_CONNECTOR)", n);
            if (n >= EVENT + 16 && decode(buf, n, into)) {
                return 1;
            }
            // An acknowledgement or a message too short to be an event: read on.
        }
    }

    static boolean decode(MemorySegment m, long n, ProcEvent e) {
        int what = m.get(ValueLayout.JAVA_INT, EVENT);
        if (what == 0) {
            return false;
        }
        e.what = what;
        e.seq = m.get(ValueLayout.JAVA_INT, CN_SEQ) & 0xffffffffL;
        e.cpu = m.get(ValueLayout.JAVA_INT, EVENT + 4);
        // proc_event's u64 sits at offset 44 of the message: 4-byte aligned only.
        e.timestampNanos = m.get(UNALIGNED_LONG, EVENT + 8);
        long data = EVENT + 16;
        int a = m.get(ValueLayout.JAVA_INT, data);
        int b = n >= data + 8 ? m.get(ValueLayout.JAVA_INT, data + 4) : 0;
        e.parentPid = 0;
        e.parentTgid = 0;
        e.exitCode = 0;
        switch (what) {
            case FORK -> {
                e.parentPid = a;
                e.parentTgid = b;
                e.pid = m.get(ValueLayout.JAVA_INT, data + 8);
                e.tgid = m.get(ValueLayout.JAVA_INT, data + 12);
            }
            case EXIT -> {
                e.pid = a;
                e.tgid = b;
                e.exitCode = m.get(ValueLayout.JAVA_INT, data + 8);
                if (n >= data + 24) {
                    e.parentPid = m.get(ValueLayout.JAVA_INT, data + 16);
                    e.parentTgid = m.get(ValueLayout.JAVA_INT, data + 20);
                }
            }
            default -> {
                e.pid = a;
                e.tgid = b;
            }
        }
        return true;
    }

    /** nlmsghdr, cn_msg {idx, val, seq, ack, len, flags}, then the op: 40 bytes. */
    private void listen() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(40, 4);
            m.set(ValueLayout.JAVA_INT, 0, 40);
            m.set(ValueLayout.JAVA_SHORT, 4, NLMSG_DONE);
            m.set(ValueLayout.JAVA_INT, 16, CN_IDX_PROC);
            m.set(ValueLayout.JAVA_INT, 20, CN_VAL_PROC);
            m.set(ValueLayout.JAVA_SHORT, 32, (short) 4);
            m.set(ValueLayout.JAVA_INT, 36, PROC_CN_MCAST_LISTEN);
            Libc.check("send(NETLINK_CONNECTOR, PROC_CN_MCAST_LISTEN)", Libc.write(fd, m, 40));
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
