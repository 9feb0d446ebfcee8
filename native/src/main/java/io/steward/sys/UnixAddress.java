package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A destination prepared once: {@code struct sockaddr_un} for a filesystem path. */
public final class UnixAddress {
    final MemorySegment sockaddr;
    final int length;
    private final Path path;

    private UnixAddress(MemorySegment sockaddr, int length, Path path) {
        this.sockaddr = sockaddr;
        this.length = length;
        this.path = path;
    }

    /** @throws IllegalArgumentException when the path does not fit sun_path (107 bytes) */
    public static UnixAddress of(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= UnixDatagram.SUN_PATH_MAX) {
            throw new IllegalArgumentException(
                    "a Unix socket path takes 1 to " + (UnixDatagram.SUN_PATH_MAX - 1) + " bytes: " + path);
        }
        MemorySegment sa = Arena.ofAuto().allocate(2 + UnixDatagram.SUN_PATH_MAX, 8);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) UnixDatagram.AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, ValueLayout.JAVA_BYTE, 2, bytes.length);
        return new UnixAddress(sa, 2 + bytes.length + 1, path);
    }

    public Path path() {
        return path;
    }
}
