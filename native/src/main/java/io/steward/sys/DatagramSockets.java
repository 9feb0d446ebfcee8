package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Making the sockets {@link UnixDatagram} wraps: non-blocking, close-on-exec datagram sockets,
 * bound to a path (mode 0600, a stale socket file replaced) or to a UDP address. Each call hands
 * back a descriptor, closed again when a later step fails.
 */
final class DatagramSockets {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final long SOCKADDR_IN = 16;
    private static final long SOCKADDR_IN6 = 28;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private static final MethodHandle SOCKET = Native.errnoCall("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = Native.errnoCall("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKNAME =
            Native.errnoCall("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR));
    private static final MethodHandle FCHMOD = Native.errnoCall("fchmod", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CHMOD = Native.errnoCall("chmod", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle UNLINK = Native.errnoCall("unlink", FunctionDescriptor.of(INT, PTR));

    private DatagramSockets() {}

    static int socket(int family) {
        try {
            MemorySegment st = Native.state();
            int fd = (int) SOCKET.invokeExact(st, family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0) {
                throw new NativeException("socket(" + family + ", SOCK_DGRAM)", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A UDP socket bound to {@code address}; see {@link UnixDatagram#udp}. */
    static int udp(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        boolean v6 = address.getAddress() instanceof Inet6Address;
        int fd = socket(v6 ? AF_INET6 : AF_INET);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SOCKADDR_IN6, 8);
            byte[] ip = address.getAddress().getAddress();
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
            sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (address.getPort() >> 8));
            sa.set(ValueLayout.JAVA_BYTE, 3, (byte) address.getPort());
            MemorySegment.copy(ip, 0, sa, ValueLayout.JAVA_BYTE, v6 ? 8 : 4, ip.length);
            MemorySegment st = Native.state();
            int r = (int) BIND.invokeExact(st, fd, sa, (int) (v6 ? SOCKADDR_IN6 : SOCKADDR_IN));
            if (r < 0) {
                throw new NativeException("bind(" + address + ")", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            Libc.close(fd);
            throw Native.rethrow(t);
        }
    }

    /** The port {@code fd} is bound to (getsockname); 0 for a Unix socket. */
    static int localPort(int fd) {
        MemorySegment s = Native.scratch();
        MemorySegment sa = s.asSlice(0, SOCKADDR_IN6);
        MemorySegment len = s.asSlice(SOCKADDR_IN6, 4);
        len.set(ValueLayout.JAVA_INT, 0, (int) SOCKADDR_IN6);
        try {
            MemorySegment st = Native.state();
            int r = (int) GETSOCKNAME.invokeExact(st, fd, sa, len);
            if (r < 0) {
                throw new NativeException("getsockname", Native.errno(st));
            }
            short family = sa.get(ValueLayout.JAVA_SHORT, 0);
            if (family != AF_INET && family != AF_INET6) {
                return 0;
            }
            return (Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, 2)) << 8)
                    | Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, 3));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A Unix socket bound to {@code path} with mode 0600; see {@link UnixDatagram#bind(Path, int)}. */
    static int bindUnix(Path path) {
        UnixAddress address = UnixAddress.of(path);
        removeStaleSocket(path);
        int fd = socket(UnixDatagram.AF_UNIX);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int r = (int) FCHMOD.invokeExact(st, fd, 0600);
            if (r < 0) {
                throw new NativeException("fchmod(socket)", Native.errno(st));
            }
            r = (int) BIND.invokeExact(st, fd, address.sockaddr, address.length);
            if (r < 0) {
                throw new NativeException("bind(" + path + ")", Native.errno(st));
            }
            r = (int) CHMOD.invokeExact(st, arena.allocateFrom(path.toString()), 0600);
            if (r < 0) {
                throw new NativeException("chmod(" + path + ")", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            Libc.close(fd);
            throw Native.rethrow(t);
        }
    }

    /**
     * Unlinks {@code path} only when it is a socket. The file type comes from the JDK's lstat,
     * whose {@code struct stat} layout differs between x86_64 and aarch64.
     */
    private static void removeStaleSocket(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException("cannot inspect " + path + ": " + e.getMessage(), e);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int r = (int) UNLINK.invokeExact(st, arena.allocateFrom(path.toString()));
            if (r < 0 && Native.errno(st) != Errno.ENOENT) {
                throw new NativeException("unlink(" + path + ")", Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
