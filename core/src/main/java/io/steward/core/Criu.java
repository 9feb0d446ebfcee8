package io.steward.core;

import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import io.steward.sys.PosixSpawn;
import io.steward.sys.Signal;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one external binary steward runs. A restore must find the descriptors it is to inherit at
 * the numbers its {@code --inherit-fd} arguments name, which no {@code ProcessBuilder} can arrange,
 * so CRIU is started with posix_spawn: the inherited descriptors at 3, 4, …, everything else
 * closed, its output in a log file of its own ({@code -o}), never in the image directory.
 */
public final class Criu {
    /** The exit of one CRIU command: 0 and no error, or the line that says what went wrong. */
    public record Result(int exitCode, String error) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path binary;

    public Criu(Path binary) {
        this.binary = binary;
    }

    /** The CRIU binary this process would run ({@code STEWARD_CRIU}, else {@code criu} on PATH), or null. */
    public static Path find() {
        String explicit = System.getenv("STEWARD_CRIU");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "criu");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public Path binary() {
        return binary;
    }

    /**
     * Runs {@code criu ARGS -o LOG} with {@code inherited} at descriptors 3, 4, … and waits for it.
     * The caller must hold the runtime's spawn gate: CRIU is a child the orphan sweep must not reap.
     */
    Result run(List<String> args, int[] inherited, Path log, Duration timeout) {
        List<String> argv = new ArrayList<>(args.size() + 4);
        argv.add(binary.toString());
        argv.addAll(args);
        argv.add("-o");
        argv.add(log.toString());
        int[] sources = lifted(inherited);
        int pid;
        try (PosixSpawn ps = new PosixSpawn()) {
            ps.open(0, "/dev/null", Libc.O_RDONLY, 0).open(1, "/dev/null", Libc.O_WRONLY, 0).dup2(1, 2);
            for (int i = 0; i < sources.length; i++) {
                ps.dup2(sources[i], 3 + i);
            }
            ps.closeFrom(3 + sources.length).resetSignals();
            pid = ps.spawn(binary.toString(), argv, environment());
        } finally {
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] != inherited[i]) {
                    Libc.close(sources[i]);
                }
            }
        }
        int pidfd = Libc.check("pidfd_open(criu)", Pidfd.open(pid));
        try {
            Pidfd.Exit exit = await(pidfd, timeout);
            if (exit == null) {
                Pidfd.sendSignal(pidfd, Signal.KILL.number());
                await(pidfd, Duration.ofSeconds(10));
                return new Result(-1, "criu " + args.getFirst() + " did not finish in " + timeout.toSeconds() + " s");
            }
            if (exit.exited() && exit.code() == 0) {
                return new Result(0, null);
            }
            String line = error(log);
            String how = exit.exited() ? "exit code " + exit.code() : "signal " + exit.signal();
            return new Result(exit.exited() ? exit.code() : 128 + exit.signal(), line != null ? line : how);
        } finally {
            Libc.close(pidfd);
        }
    }

    /** Reaps the child behind {@code pidfd} once it exits; null when {@code timeout} passes first. */
    private static Pidfd.Exit await(int pidfd, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Pidfd.Exit exit = Pidfd.reap(pidfd);
            if (exit != null) {
                return exit;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            Libc.poll(pidfd, Libc.POLLIN, (int) Math.min(left, 1000));
        }
    }

    /**
     * Sources that sit where an earlier one is to go (3, 4, …) are duplicated above those numbers
     * first: posix_spawn applies its actions in order, and one dup2 must not overwrite the next source.
     */
    private static int[] lifted(int[] inherited) {
        int[] sources = inherited.clone();
        int top = 3 + inherited.length;
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] < top) {
                sources[i] = Libc.check("fcntl(F_DUPFD_CLOEXEC)", Libc.fcntl(sources[i], Libc.F_DUPFD_CLOEXEC, top));
            }
        }
        return sources;
    }

    private static List<String> environment() {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        return env;
    }

    /**
     * CRIU's first error line that says what went wrong, without its prefix: the lines after it
     * are consequences ("Could not initialize kernel features detection", "Restoring FAILED").
     * Lines that say nothing of the cause are passed over: a failed RLIMIT_NOFILE raise, logged as
     * an error on every run here and harmless, and the exit status of a helper CRIU ran.
     */
    public static String error(Path log) {
        try {
            return firstError(Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    static String firstError(String output) {
        for (String line : output.split("\n")) {
            int at = line.indexOf("Error (");
            if (at < 0 || line.contains("RLIMIT_NOFILE") || line.contains("FAILED")) {
                continue;
            }
            String text = line.substring(at).replaceFirst("^Error \\([^)]*\\): ", "").trim();
            if (!text.startsWith("exited, status=")) {
                return text;
            }
        }
        return null;
    }

    /** Deletes a directory CRIU worked in (images, logs) and everything in it; what cannot go is left for later. */
    public static void deleteWorkDir(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // left behind: a daemon clears its work directory when it starts
        }
    }

    /** Thrown when a dump or restore failed: {@code error} is CRIU's own line. */
    public static final class Failure extends RuntimeException {
        private final String error;

        public Failure(String action, String error) {
            super("criu " + action + ": " + error);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }
}
