package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * The sockets behind a process's descriptors, read as {@code ss -p} reads them: every link under
 * /proc/PID/fd, each {@code socket:[INODE]} kept. Done with getdents64 and readlinkat on one
 * directory descriptor and parsed from bytes: a thousand sockets cost a thousand readlinks and no
 * path or string objects.
 */
public final class ProcFds {
    private static final long SYS_GETDENTS64 = Native.X86_64 ? 217 : 61;
    private static final int O_DIRECTORY = 0x10000;
    private static final long DIRENTS_BUFFER = 32 * 1024;
    /** {@code socket:[} and up to 20 digits and {@code ]}. */
    private static final long LINK_BUFFER = 64;
    private static final byte[] SOCKET_PREFIX = "socket:[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long D_RECLEN = 16;
    private static final long D_NAME = 19;

    private static final MethodHandle READLINKAT =
            Native.call("readlinkat", FunctionDescriptor.of(LONG, INT, PTR, PTR, LONG));

    private ProcFds() {}

    /**
     * The inodes of the sockets {@code pid} holds, in descriptor order (a socket behind several
     * descriptors appears as often); empty when the process is gone or its descriptors are not ours
     * to read.
     */
    public static long[] socketInodes(int pid) {
        int dir = Libc.open("/proc/" + pid + "/fd", Libc.O_RDONLY | O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (dir < 0) {
            return new long[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dirents = arena.allocate(DIRENTS_BUFFER, 8);
            MemorySegment link = arena.allocate(LINK_BUFFER, 8);
            long[] out = new long[16];
            int count = 0;
            while (true) {
                long n = Libc.syscall(SYS_GETDENTS64, dir, dirents.address(), DIRENTS_BUFFER, 0, 0);
                if (n <= 0) {
                    // 0 at the end; an error (the process ended mid-read) ends the list where it got.
                    return Arrays.copyOf(out, count);
                }
                for (long off = 0; off < n; ) {
                    int reclen = Short.toUnsignedInt(dirents.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + D_RECLEN));
                    if (dirents.get(ValueLayout.JAVA_BYTE, off + D_NAME) != '.') {
                        long inode = socketInode(dir, dirents.asSlice(off + D_NAME), link);
                        if (inode > 0) {
                            if (count == out.length) {
                                out = Arrays.copyOf(out, count * 2);
                            }
                            out[count++] = inode;
                        }
                    }
                    off += reclen;
                }
            }
        } finally {
            Libc.close(dir);
        }
    }

    /** The inode of {@code socket:[INODE]}, or -1 for any other link or a descriptor closed meanwhile. */
    private static long socketInode(int dir, MemorySegment name, MemorySegment link) {
        long len;
        try {
            len = (long) READLINKAT.invokeExact(dir, name, link, LINK_BUFFER);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (len <= SOCKET_PREFIX.length || len >= LINK_BUFFER || link.get(ValueLayout.JAVA_BYTE, len - 1) != ']') {
            return -1;
        }
        for (int i = 0; i < SOCKET_PREFIX.length; i++) {
            if (link.get(ValueLayout.JAVA_BYTE, i) != SOCKET_PREFIX[i]) {
                return -1;
            }
        }
        long inode = 0;
        for (long i = SOCKET_PREFIX.length; i < len - 1; i++) {
            int d = link.get(ValueLayout.JAVA_BYTE, i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            inode = inode * 10 + d;
        }
        return inode;
    }
}
