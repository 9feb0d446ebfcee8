package io.steward.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the kernel's answer to a {@code SOCK_DIAG_BY_FAMILY} dump: netlink messages
 * ({@code nlmsghdr}, each padded to 4 bytes), each an {@code inet_diag_msg} (or {@code unix_diag_msg}) followed by
 * attributes ({@code rtattr}, padded to 4 bytes), until {@code NLMSG_DONE}. Attribute payloads
 * are only 4-byte aligned, so the 64-bit {@code tcp_info} counters are read unaligned.
 */
public final class SockDiagDecoder {
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int INET_DIAG_INFO = 2;
    /** Carried by destroy broadcasts, which (unlike a dump) mix protocols on one socket. */
    static final int INET_DIAG_PROTOCOL = 10;

    static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("len"), ValueLayout.JAVA_SHORT.withName("type"),
            ValueLayout.JAVA_SHORT.withName("flags"), ValueLayout.JAVA_INT.withName("seq"),
            ValueLayout.JAVA_INT.withName("pid"));

    /** {@code struct inet_diag_sockid}: ports and addresses in network order. */
    static final StructLayout SOCKID = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(2, ValueLayout.JAVA_BYTE).withName("sport"),
            MemoryLayout.sequenceLayout(2, ValueLayout.JAVA_BYTE).withName("dport"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("src"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("dst"),
            ValueLayout.JAVA_INT.withName("if"),
            MemoryLayout.sequenceLayout(2, ValueLayout.JAVA_INT).withName("cookie"));

    static final StructLayout INET_DIAG_MSG = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("family"), ValueLayout.JAVA_BYTE.withName("state"),
            ValueLayout.JAVA_BYTE.withName("timer"), ValueLayout.JAVA_BYTE.withName("retrans"),
            SOCKID.withName("id"), ValueLayout.JAVA_INT.withName("expires"), ValueLayout.JAVA_INT.withName("rqueue"),
            ValueLayout.JAVA_INT.withName("wqueue"), ValueLayout.JAVA_INT.withName("uid"),
            ValueLayout.JAVA_INT.withName("inode"));

    /** {@code struct unix_diag_msg}: family, type, state, pad, inode, cookie. */
    static final StructLayout UNIX_DIAG_MSG = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("family"), ValueLayout.JAVA_BYTE.withName("type"),
            ValueLayout.JAVA_BYTE.withName("state"), ValueLayout.JAVA_BYTE.withName("pad"),
            ValueLayout.JAVA_INT.withName("inode"), MemoryLayout.sequenceLayout(2, ValueLayout.JAVA_INT).withName("cookie"));
    static final int UNIX_DIAG_NAME = 0;
    static final int UNIX_DIAG_PEER = 2;
    static final int UNIX_DIAG_UID = 7;
    static final long UNIX_INODE_OFFSET = UNIX_DIAG_MSG.byteOffset(MemoryLayout.PathElement.groupElement("inode"));
    static final long UNIX_COOKIE_OFFSET = UNIX_DIAG_MSG.byteOffset(MemoryLayout.PathElement.groupElement("cookie"));

    static final long RTATTR_SIZE = 4;
    static final long ID_OFFSET = INET_DIAG_MSG.byteOffset(MemoryLayout.PathElement.groupElement("id"));
    static final long UID_OFFSET = INET_DIAG_MSG.byteOffset(MemoryLayout.PathElement.groupElement("uid"));
    static final long INODE_OFFSET = INET_DIAG_MSG.byteOffset(MemoryLayout.PathElement.groupElement("inode"));
    static final long COOKIE_OFFSET = SOCKID.byteOffset(MemoryLayout.PathElement.groupElement("cookie"));
    /** Offsets of {@code bytes_acked} and {@code bytes_received} in {@code struct tcp_info} (since Linux 4.1/4.2). */
    static final long TCPI_BYTES_ACKED = 120;
    static final long TCPI_BYTES_RECEIVED = 128;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockDiagDecoder() {}

    static long align(long n) {
        return (n + 3) & ~3L;
    }

    /**
     * Adds the sockets in {@code buf} (one {@code recv}) to {@code out}.
     *
     * @param protocol the protocol the dump asked for: {@code inet_diag_msg} does not carry it (an
     *     {@code INET_DIAG_PROTOCOL} attribute, as destroy broadcasts have, takes precedence)
     * @return true once {@code NLMSG_DONE} was read
     * @throws NativeException for an {@code NLMSG_ERROR}, with the kernel's errno
     */
    public static boolean decode(MemorySegment buf, int protocol, List<InetSocket> out) {
        return messages(buf, body -> {
            if (body.byteSize() >= INET_DIAG_MSG.byteSize()) {
                out.add(socket(body, protocol));
            }
        });
    }

    /**
     * Adds the Unix sockets in {@code buf} (one {@code recv} of an {@code AF_UNIX} dump) to {@code out}.
     *
     * @return true once {@code NLMSG_DONE} was read
     * @throws NativeException for an {@code NLMSG_ERROR}, with the kernel's errno
     */
    public static boolean decodeUnix(MemorySegment buf, List<UnixSocket> out) {
        return messages(buf, body -> {
            if (body.byteSize() >= UNIX_DIAG_MSG.byteSize()) {
                out.add(unixSocket(body));
            }
        });
    }

    /** Hands each message's body to {@code sink}; true once {@code NLMSG_DONE} was read. */
    private static boolean messages(MemorySegment buf, Consumer<MemorySegment> sink) {
        long off = 0;
        while (off + NLMSGHDR.byteSize() <= buf.byteSize()) {
            int len = buf.get(ValueLayout.JAVA_INT_UNALIGNED, off);
            int type = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 4));
            if (len < NLMSGHDR.byteSize() || off + len > buf.byteSize()) {
                throw new IllegalStateException("sock_diag: malformed netlink message of " + len + " bytes at " + off);
            }
            MemorySegment body = buf.asSlice(off + NLMSGHDR.byteSize(), len - NLMSGHDR.byteSize());
            switch (type) {
                case NLMSG_DONE -> {
                    return true;
                }
                case NLMSG_ERROR -> {
                    int error = body.byteSize() >= 4 ? body.get(ValueLayout.JAVA_INT_UNALIGNED, 0) : 0;
                    if (error != 0) {
                        throw new NativeException("sock_diag(SOCK_DIAG_BY_FAMILY)", -error);
                    }
                }
                default -> sink.accept(body);
            }
            off += align(len);
        }
        return false;
    }

    private static UnixSocket unixSocket(MemorySegment msg) {
        int type = Byte.toUnsignedInt(msg.get(ValueLayout.JAVA_BYTE, 1));
        int state = Byte.toUnsignedInt(msg.get(ValueLayout.JAVA_BYTE, 2));
        long inode = Integer.toUnsignedLong(msg.get(ValueLayout.JAVA_INT_UNALIGNED, UNIX_INODE_OFFSET));
        long cookie = Integer.toUnsignedLong(msg.get(ValueLayout.JAVA_INT_UNALIGNED, UNIX_COOKIE_OFFSET))
                | Integer.toUnsignedLong(msg.get(ValueLayout.JAVA_INT_UNALIGNED, UNIX_COOKIE_OFFSET + 4)) << 32;
        String name = null;
        long peer = 0;
        int uid = -1;
        long off = align(UNIX_DIAG_MSG.byteSize());
        while (off + RTATTR_SIZE <= msg.byteSize()) {
            int len = Short.toUnsignedInt(msg.get(ValueLayout.JAVA_SHORT_UNALIGNED, off));
            int attr = Short.toUnsignedInt(msg.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 2));
            if (len < RTATTR_SIZE || off + len > msg.byteSize()) {
                break;
            }
            MemorySegment payload = msg.asSlice(off + RTATTR_SIZE, len - RTATTR_SIZE);
            switch (attr) {
                case UNIX_DIAG_NAME -> name = unixName(payload.toArray(ValueLayout.JAVA_BYTE));
                case UNIX_DIAG_PEER -> peer = payload.byteSize() >= 4
                        ? Integer.toUnsignedLong(payload.get(ValueLayout.JAVA_INT_UNALIGNED, 0)) : 0;
                case UNIX_DIAG_UID -> uid = payload.byteSize() >= 4 ? payload.get(ValueLayout.JAVA_INT_UNALIGNED, 0) : -1;
                default -> { }
            }
            off += align(len);
        }
        return new UnixSocket(type, state, inode, cookie, name, peer, uid);
    }

    /**
     * A {@code sun_path} as {@code ss} prints it: a path up to its terminating NUL, an abstract
     * name (leading NUL) as {@code @name}; an autobound socket with an empty name has none.
     */
    static String unixName(byte[] path) {
        boolean abstractName = path.length > 0 && path[0] == 0;
        int from = abstractName ? 1 : 0;
        int to = from;
        while (to < path.length && path[to] != 0) {
            to++;
        }
        String s = new String(path, from, to - from, StandardCharsets.UTF_8);
        return abstractName ? "@" + s : s.isEmpty() ? null : s;
    }

    private static InetSocket socket(MemorySegment msg, int protocol) {
        int family = Byte.toUnsignedInt(msg.get(ValueLayout.JAVA_BYTE, 0));
        int state = Byte.toUnsignedInt(msg.get(ValueLayout.JAVA_BYTE, 1));
        int addrLen = family == SockDiag.AF_INET6 ? 16 : 4;
        MemorySegment id = msg.asSlice(ID_OFFSET, SOCKID.byteSize());
        byte[] src = id.asSlice(4, addrLen).toArray(ValueLayout.JAVA_BYTE);
        byte[] dst = id.asSlice(20, addrLen).toArray(ValueLayout.JAVA_BYTE);
        int sport = Short.toUnsignedInt(id.get(PORT, 0));
        int dport = Short.toUnsignedInt(id.get(PORT, 2));
        int uid = msg.get(ValueLayout.JAVA_INT_UNALIGNED, UID_OFFSET);
        long inode = Integer.toUnsignedLong(msg.get(ValueLayout.JAVA_INT_UNALIGNED, INODE_OFFSET));
        // Two 32-bit halves in host order, low half first, as sock_diag_save_cookie writes them.
        long cookie = Integer.toUnsignedLong(id.get(ValueLayout.JAVA_INT_UNALIGNED, COOKIE_OFFSET))
                | Integer.toUnsignedLong(id.get(ValueLayout.JAVA_INT_UNALIGNED, COOKIE_OFFSET + 4)) << 32;
        long acked = -1;
        long received = -1;
        long off = align(INET_DIAG_MSG.byteSize());
        while (off + RTATTR_SIZE <= msg.byteSize()) {
            int len = Short.toUnsignedInt(msg.get(ValueLayout.JAVA_SHORT_UNALIGNED, off));
            int type = Short.toUnsignedInt(msg.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 2));
            if (len < RTATTR_SIZE || off + len > msg.byteSize()) {
                break;
            }
            if (type == INET_DIAG_INFO && len - RTATTR_SIZE >= TCPI_BYTES_RECEIVED + 8) {
                acked = msg.get(U64, off + RTATTR_SIZE + TCPI_BYTES_ACKED);
                received = msg.get(U64, off + RTATTR_SIZE + TCPI_BYTES_RECEIVED);
            } else if (type == INET_DIAG_PROTOCOL && len > RTATTR_SIZE) {
                protocol = Byte.toUnsignedInt(msg.get(ValueLayout.JAVA_BYTE, off + RTATTR_SIZE));
            }
            off += align(len);
        }
        return new InetSocket(family, protocol, state, src, sport, dst, dport, uid, inode, cookie, acked, received);
    }
}
