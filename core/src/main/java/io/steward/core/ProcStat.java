package io.steward.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/PID/stat}: the identity (pid + start time, which together never repeat)
 * and the family (parent, group, session) of a process.
 *
 * @param startTicks clock ticks after boot when the process started; guards against pid reuse
 * @param cpuTicks user plus system time, in clock ticks
 * @param reapedTicks user plus system time of the children it waited for (and theirs), in clock ticks:
 *     the kernel folds a reaped child's time into its parent's {@code cutime} and {@code cstime}
 */
public record ProcStat(int pid, String comm, char state, int ppid, int pgrp, int session, long startTicks,
        long cpuTicks, long rssPages, long reapedTicks) {

    /** A stat whose reaped children's time is unknown or none. */
    public ProcStat(int pid, String comm, char state, int ppid, int pgrp, int session, long startTicks, long cpuTicks,
            long rssPages) {
        this(pid, comm, state, ppid, pgrp, session, startTicks, cpuTicks, rssPages, 0);
    }

    public boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    /** Reads the stat of one process; empty when it is gone. */
    public static Optional<ProcStat> read(int pid) {
        try {
            return Optional.ofNullable(parse(pid, Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "stat"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True while the process that started at {@code startTicks} still runs (not a zombie, pid not reused). */
    public static boolean isAlive(int pid, long startTicks) {
        return read(pid).filter(p -> p.startTicks() == startTicks && !p.zombie()).isPresent();
    }

    /** Every process visible in /proc. */
    public static List<ProcStat> all() {
        List<ProcStat> out = new ArrayList<>(256);
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    read(Integer.parseInt(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    static ProcStat parse(int pid, byte[] raw) {
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        // comm may hold spaces and parentheses: it ends at the last ')'.
        int open = s.indexOf('(');
        int close = s.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= s.length()) {
            return null;
        }
        String comm = s.substring(open + 1, close);
        String[] f = s.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); field N is f[N - 3].
        return new ProcStat(pid, comm, f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Long.parseLong(f[19]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[21]), Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    /** VmRSS of /proc/PID/status in bytes: the resident set now; 0 when unknown or gone. */
    public static long rssBytes(int pid) {
        return memory(pid)[0];
    }

    /** VmRSS and VmHWM of /proc/PID/status in bytes, from one read; zeros when unknown or gone. */
    public static long[] memory(int pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "status"));
        } catch (IOException e) {
            return new long[2];
        }
        return new long[] {kilobytes(raw, "VmRSS:"), kilobytes(raw, "VmHWM:")};
    }

    /** The kB figure after {@code key} at the start of a line of {@code raw}, in bytes; 0 when absent. */
    private static long kilobytes(byte[] raw, String key) {
        outer:
        for (int i = 0; i + key.length() < raw.length; i++) {
            if (i > 0 && raw[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < key.length(); k++) {
                if (raw[i + k] != key.charAt(k)) {
                    continue outer;
                }
            }
            long v = 0;
            for (int j = i + key.length(); j < raw.length && raw[j] != '\n'; j++) {
                if (raw[j] >= '0' && raw[j] <= '9') {
                    v = v * 10 + (raw[j] - '0');
                }
            }
            return v * 1024;
        }
        return 0;
    }


    /** The program's name as the kernel keeps it (readable until the process is reaped), or null. */
    public static String comm(int pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "comm"));
            int n = raw.length > 0 && raw[raw.length - 1] == '\n' ? raw.length - 1 : raw.length;
            return new String(raw, 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The command line of a process, for reports; empty for zombies and kernel threads. */
    public static List<String> cmdline(int pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The value of the first entry of the process's environment that starts with {@code prefix}
     * ({@code KEY=}), or null when it has none or cannot be read.
     */
    public static String environValue(int pid, byte[] prefix) {
        byte[] env;
        try {
            env = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "environ"));
        } catch (IOException e) {
            return null;
        }
        for (int i = 0; i < env.length; ) {
            int end = i;
            while (end < env.length && env[end] != 0) {
                end++;
            }
            if (end - i >= prefix.length && java.util.Arrays.equals(env, i, i + prefix.length, prefix, 0, prefix.length)) {
                return new String(env, i + prefix.length, end - i - prefix.length, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return null;
    }

    /** The children of every thread of the process; empty when it is gone. */
    public static List<Integer> children(int pid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "task"))) {
            for (Path task : tasks) {
                byte[] raw;
                try {
                    raw = Files.readAllBytes(task.resolve("children"));
                } catch (IOException gone) {
                    continue;
                }
                int n = -1;
                for (byte b : raw) {
                    if (b >= '0' && b <= '9') {
                        n = (n < 0 ? 0 : n * 10) + (b - '0');
                    } else if (n >= 0) {
                        out.add(n);
                        n = -1;
                    }
                }
                if (n >= 0) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }
}
