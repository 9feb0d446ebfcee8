package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The netlink sockets steward reads (sock_diag, its destroy broadcasts, the proc connector): made, sized and bound one way. */
final class Netlink {
    static final int NETLINK_SOCK_DIAG = 4;
    static final int NETLINK_CONNECTOR = 11;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SOCKADDR_NL_SIZE = 12;

    private static final MethodHandle SOCKET = Native.errnoCall("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = Native.errnoCall("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle SETSOCKOPT =
            Native.errnoCall("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));

    private Netlink() {}

    /**
     * A close-on-exec netlink socket of {@code protocol}.
     *
     * @param name the protocol's name, for the message of a failure
     */
    static int socket(int protocol, String name, boolean nonBlocking) {
        try {
            MemorySegment st = Native.state();
            int fd = (int) SOCKET.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0),
                    protocol);
            if (fd < 0) {
                throw new NativeException("socket(AF_NETLINK, " + name + ")", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Binds to the multicast {@code groups} (a bitmask); the kernel picks the port id. */
    static void bind(int fd, int groups, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SOCKADDR_NL_SIZE, 4);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            addr.set(ValueLayout.JAVA_INT, 8, groups);
            MemorySegment st = Native.state();
            int r = (int) BIND.invokeExact(st, fd, addr, SOCKADDR_NL_SIZE);
            if (r < 0) {
                throw new NativeException("bind(" + what + ")", Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Asks for a receive buffer of {@code bytes}: past {@code net.core.rmem_max} where the caller may
     * (CAP_NET_ADMIN), else as far as the kernel allows. A smaller buffer only makes losses likelier,
     * and the readers count them.
     */
    static void receiveBuffer(int fd, int bytes, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(ValueLayout.JAVA_INT, bytes);
            MemorySegment st = Native.state();
            int r = (int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_RCVBUFFORCE, v, 4);
            if (r < 0) {
                r = (int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_RCVBUF, v, 4);
            }
            if (r < 0) {
                throw new NativeException("setsockopt(" + what + ", SO_RCVBUF)", Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
