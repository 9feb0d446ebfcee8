package io.steward.core;

import io.steward.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The file I/O of a set of processes now, summed from each one's {@code /proc/PID/io} (which
 * covers all of the process's threads, live and exited) and its count of open descriptors. Only
 * live processes count: what an exited child did is gone with it.
 *
 * @param rchar bytes passed to read-like calls, page cache hits and pipes included
 * @param wchar bytes passed to write-like calls
 * @param readBytes bytes the processes caused to be fetched from storage
 * @param writeBytes bytes the processes caused to be sent to storage
 * @param openFiles descriptors open, of every kind (files, pipes, sockets)
 * @param processes how many processes were read
 * @param unreadable how many were skipped: gone, or not ours to read (another user's, without privilege)
 */
public record TreeIo(long rchar, long wchar, long readBytes, long writeBytes, int openFiles, int processes,
        int unreadable) {
    public static final TreeIo NONE = new TreeIo(0, 0, 0, 0, 0, 0, 0);
    private static final int IO_BUFFER = 512;

    /** Reads each distinct pid of {@code pids} once. */
    public static TreeIo read(Collection<Integer> pids) {
        Set<Integer> distinct = new HashSet<>(pids);
        long[] sums = new long[4];
        long[] one = new long[4];
        int open = 0;
        int read = 0;
        int unreadable = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(IO_BUFFER);
            for (int pid : distinct) {
                int fds = openFiles(pid);
                if (fds < 0 || !io(pid, buf, one)) {
                    unreadable++;
                    continue;
                }
                for (int i = 0; i < 4; i++) {
                    sums[i] += one[i];
                }
                open += fds;
                read++;
            }
        }
        return new TreeIo(sums[0], sums[1], sums[2], sums[3], open, read, unreadable);
    }

    /** open, one read, close: the whole file is about 100 bytes. */
    private static boolean io(int pid, MemorySegment buf, long[] out) {
        int fd = Libc.open("/proc/" + pid + "/io", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        long n;
        try {
            n = Libc.read(fd, buf, buf.byteSize());
        } finally {
            Libc.close(fd);
        }
        return n > 0 && parse(buf, n, out);
    }

    /**
     * Fills {@code out} with rchar, wchar, read_bytes, write_bytes from lines {@code key: value};
     * false when a field is missing (a kernel without task I/O accounting).
     */
    static boolean parse(MemorySegment buf, long length, long[] out) {
        int found = 0;
        long at = 0;
        while (at < length) {
            long colon = at;
            while (colon < length && buf.get(ValueLayout.JAVA_BYTE, colon) != ':') {
                colon++;
            }
            int field = field(buf, at, colon - at);
            long value = 0;
            long p = colon + 1;
            while (p < length && buf.get(ValueLayout.JAVA_BYTE, p) == ' ') {
                p++;
            }
            for (byte b; p < length && (b = buf.get(ValueLayout.JAVA_BYTE, p)) >= '0' && b <= '9'; p++) {
                value = value * 10 + (b - '0');
            }
            if (field >= 0) {
                out[field] = value;
                found |= 1 << field;
            }
            while (p < length && buf.get(ValueLayout.JAVA_BYTE, p) != '\n') {
                p++;
            }
            at = p + 1;
        }
        return found == 0b1111;
    }

    private static final byte[][] FIELDS = {
        "rchar".getBytes(), "wchar".getBytes(), "read_bytes".getBytes(), "write_bytes".getBytes(),
    };

    private static int field(MemorySegment buf, long at, long length) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].length == length && MemorySegment.mismatch(buf, at, at + length,
                    MemorySegment.ofArray(FIELDS[i]), 0, length) == -1) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The number of open descriptors, or -1 when the process is gone or not ours. Since Linux 6.2
     * the size of {@code /proc/PID/fd} is that number, one stat; before, it is 0 and the
     * directory is listed.
     */
    static int openFiles(int pid) {
        Path fd = Path.of("/proc", Integer.toString(pid), "fd");
        try {
            long size = Files.readAttributes(fd, java.nio.file.attribute.BasicFileAttributes.class).size();
            if (size > 0) {
                return (int) size;
            }
            int n = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(fd)) {
                for (Path ignored : entries) {
                    n++;
                }
            }
            return n;
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }
}
