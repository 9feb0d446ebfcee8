package io.steward.sys;


import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every TCP and UDP socket of the host (IPv4 and IPv6, all states), from one
 * {@code NETLINK_SOCK_DIAG} socket: a {@code SOCK_DIAG_BY_FAMILY} dump per family and protocol,
 * asking for {@code INET_DIAG_INFO} so that TCP sockets come with their byte counters; and every
 * Unix socket, from one {@code AF_UNIX} dump with names, peers and owners.
 */
public final class SockDiag {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int AF_UNIX = 1;

    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_DUMP = 0x300;
    private static final int ALL_STATES = -1;
    private static final long REQUEST_SIZE = 56;
    private static final long UNIX_REQUEST_SIZE = 24;
    private static final int UDIAG_SHOW_NAME = 0x1;
    private static final int UDIAG_SHOW_PEER = 0x4;
    private static final int UDIAG_SHOW_UID = 0x40;
    private static final long RECEIVE_BUFFER = 64 * 1024;


    private SockDiag() {}

    /** One dump of the host's TCP and UDP sockets. */
    public static List<InetSocket> dump() {
        int fd = open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(SockDiagDecoder.NLMSGHDR.byteSize() + REQUEST_SIZE, 8);
            MemorySegment buf = arena.allocate(RECEIVE_BUFFER, 8);
            List<InetSocket> out = new ArrayList<>();
            int seq = 0;
            for (int family : new int[] {AF_INET, AF_INET6}) {
                for (int protocol : new int[] {IPPROTO_TCP, IPPROTO_UDP}) {
                    request(request, ++seq, family, protocol);
                    exchange(fd, request, buf, answer -> SockDiagDecoder.decode(answer, protocol, out));
                }
            }
            return out;
        } finally {
            Libc.close(fd);
        }
    }

    /** One dump of the host's Unix sockets, every type and state. */
    public static List<UnixSocket> dumpUnix() {
        int fd = open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(SockDiagDecoder.NLMSGHDR.byteSize() + UNIX_REQUEST_SIZE, 8);
            MemorySegment buf = arena.allocate(RECEIVE_BUFFER, 8);
            List<UnixSocket> out = new ArrayList<>();
            unixRequest(request, 1);
            exchange(fd, request, buf, answer -> SockDiagDecoder.decodeUnix(answer, out));
            return out;
        } finally {
            Libc.close(fd);
        }
    }

    /** Sends {@code request} and hands each {@code recv} to {@code decode} until it has read {@code NLMSG_DONE}. */
    private static void exchange(int fd, MemorySegment request, MemorySegment buf, Predicate<MemorySegment> decode) {
        Libc.check("send(NETLINK_SOCK_DIAG)", Libc.write(fd, request, request.byteSize()));
        boolean done = false;
        while (!done) {
            long n = Libc.check("recv(NETLINK_SOCK_DIAG)", Libc.read(fd, buf, buf.byteSize()));
            if (n == 0) {
                throw new IllegalStateException("sock_diag: the kernel closed the dump early");
            }
            done = decode.test(buf.asSlice(0, n));
        }
    }

    private static int open() {
        return Netlink.socket(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", false);
    }

    /** {@code nlmsghdr} then {@code inet_diag_req_v2}, asking for every state and for tcp_info. */
    static void request(MemorySegment m, int seq, int family, int protocol) {
        header(m, seq);
        long r = SockDiagDecoder.NLMSGHDR.byteSize();
        m.set(ValueLayout.JAVA_BYTE, r, (byte) family);
        m.set(ValueLayout.JAVA_BYTE, r + 1, (byte) protocol);
        m.set(ValueLayout.JAVA_BYTE, r + 2, (byte) (1 << (SockDiagDecoder.INET_DIAG_INFO - 1)));
        m.set(ValueLayout.JAVA_INT, r + 4, ALL_STATES);
    }

    /** {@code nlmsghdr} then {@code unix_diag_req}: every state, with name, peer and owner. */
    static void unixRequest(MemorySegment m, int seq) {
        header(m, seq);
        long r = SockDiagDecoder.NLMSGHDR.byteSize();
        m.set(ValueLayout.JAVA_BYTE, r, (byte) AF_UNIX);
        m.set(ValueLayout.JAVA_INT, r + 4, ALL_STATES);
        m.set(ValueLayout.JAVA_INT, r + 12, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_UID);
    }

    private static void header(MemorySegment m, int seq) {
        m.fill((byte) 0);
        m.set(ValueLayout.JAVA_INT, 0, (int) m.byteSize());
        m.set(ValueLayout.JAVA_SHORT, 4, SOCK_DIAG_BY_FAMILY);
        m.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        m.set(ValueLayout.JAVA_INT, 8, seq);
    }
}
