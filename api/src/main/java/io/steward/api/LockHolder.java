package io.steward.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Who holds an {@code flock} on a file, as the kernel lists it in {@code /proc/locks}. Looking
 * there takes no lock, so a client or a second daemon can name the daemon that owns a home
 * without disturbing it (trying the lock would, for a moment, keep a starting daemon out).
 */
public final class LockHolder {
    /** Nobody holds the lock, or the file does not exist. */
    public static final long NONE = -1;
    /** Held by a process this one cannot see (another PID namespace shows its pid as 0). */
    public static final long UNKNOWN = 0;

    private static final Path LOCKS = Path.of("/proc/locks");

    private LockHolder() {}

    /** The pid holding an {@code flock} on {@code file}: a pid, {@link #UNKNOWN} or {@link #NONE}. */
    public static long of(Path file) {
        long dev;
        long ino;
        try {
            dev = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            ino = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return NONE;
        }
        // /proc/locks shows the kernel's device number as MAJOR:MINOR in hex; stat's st_dev packs
        // them as glibc's gnu_dev_major/gnu_dev_minor unpack them.
        String key = String.format("%02x:%02x:%d", ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L),
                (dev & 0xff) | ((dev >>> 12) & 0xffffff00L), ino);
        try {
            for (String line : Files.readAllLines(LOCKS)) {
                // "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146769 0 EOF"; a waiter's line has "->" after the number
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[1].equals("FLOCK") && f[5].equals(key)) {
                    return Long.parseLong(f[4]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return NONE;
        }
        return NONE;
    }
}
