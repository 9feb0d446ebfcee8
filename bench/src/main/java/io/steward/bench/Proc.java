package io.steward.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the daemon benchmarks read from /proc about a process. */
final class Proc {
    private Proc() {}

    /** The fields of /proc/PID/stat after the command name: index 0 is the state (field 3). */
    static Optional<String[]> stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Optional.of(s.substring(s.lastIndexOf(')') + 2).trim().split(" "));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True while the process exists and is not a zombie. */
    static boolean alive(long pid) {
        return stat(pid).map(f -> !f[0].equals("Z") && !f[0].equals("X")).orElse(false);
    }

    /** Start time in clock ticks after boot (field 22): with the pid, an identity that survives pid reuse. */
    static long startTicks(long pid) {
        return stat(pid).map(f -> Long.parseLong(f[19])).orElse(-1L);
    }

    /** User plus system CPU time in clock ticks (fields 14 and 15). */
    static long cpuTicks(long pid) {
        String[] f = stat(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A line of /proc/PID/status such as VmRSS, in bytes (the kernel reports kB). */
    static long statusBytes(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no " + key + " in /proc/" + pid + "/status");
    }

    /** A mask line of /proc/PID/status such as SigIgn, or 0 when the process is gone. */
    static long statusMask(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseUnsignedLong(line.substring(key.length() + 1).trim(), 16);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Threads of the process. */
    static long threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring(8).trim());
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
