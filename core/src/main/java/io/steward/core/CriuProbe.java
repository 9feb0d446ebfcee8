package io.steward.core;

import io.steward.core.Capabilities.Capability;
import io.steward.core.Capabilities.Support;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code checkpoint} row: whether CRIU can dump and restore a process here. {@code criu check}
 * can say "Looks good" while dumps fail (criu #1374), so the probe dumps a throwaway process and
 * restores it; the answer is kept in a file per kernel release and CRIU version, since a canary
 * costs about a second. The binary is {@code STEWARD_CRIU}, else {@code criu} on PATH.
 */
public final class CriuProbe {
    private static final long TIMEOUT_SECONDS = 30;

    private CriuProbe() {}

    /** The CRIU binary this process would run, or null when there is none. */
    public static Path binary() {
        return Criu.find();
    }

    /**
     * The row, from the cache under {@code cacheDir} when this kernel and CRIU were probed before.
     *
     * @param cacheDir where the answer is kept (the daemon's home), or null to probe every time
     */
    public static Capability probe(Path cacheDir) {
        return probe(cacheDir, binary());
    }

    /** As {@link #probe(Path)} with {@code criu} as the binary (null: none found). */
    static Capability probe(Path cacheDir, Path criu) {
        if (criu == null) {
            String explicit = System.getenv("STEWARD_CRIU");
            return unavailable(explicit != null && !explicit.isBlank()
                    ? "STEWARD_CRIU names no executable: " + explicit
                    : "criu not found (set STEWARD_CRIU, or put criu on PATH; bin/lib/criu-build builds one)");
        }
        String version = version(criu);
        String kernel = System.getProperty("os.version");
        Path cache = cacheDir == null ? null : cacheDir.resolve("checkpoint-probe");
        String key = criu + " " + version + " " + kernel;
        Capability cached = read(cache, key);
        if (cached != null) {
            return cached;
        }
        Capability row = canary(criu, version, kernel);
        write(cache, key, row);
        return row;
    }

    private static Capability canary(Path criu, String version, String kernel) {
        Path dir = null;
        Process canary = null;
        try {
            dir = Files.createTempDirectory("steward-criu-probe");
            canary = new ProcessBuilder("setsid", "sleep", "600").redirectInput(ProcessBuilder.Redirect.from(
                    new File("/dev/null"))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long pid = canary.pid();
            String dumped = run(criu, "dump", "-t", Long.toString(pid), "-D", dir.toString(), "--shell-job");
            if (dumped == null) {
                // The dumped process is killed; its pid must be free (reaped) before it can come back.
                canary.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } else {
                return unavailable("criu " + version + ": the canary dump failed: " + dumped + hint(version, kernel));
            }
            Path pidfile = dir.resolve("restored.pid");
            String restored = run(criu, "restore", "-D", dir.toString(), "--shell-job", "--restore-detached",
                    "--pidfile", pidfile.toString());
            if (restored != null) {
                return unavailable("criu " + version + ": the canary restore failed: " + restored + hint(version, kernel));
            }
            killRestored(pidfile);
            String worked = "criu " + version + " at " + criu + ": a canary dump and restore worked on kernel " + kernel;
            if (atLeast(kernel, 6, 16) && !atLeast(version, 4, 2)) {
                return new Capability("checkpoint", Support.PARTIAL, "criu", worked
                        + ", but no tree holding a network socket can be dumped" + SOCKETS_HINT);
            }
            return new Capability("checkpoint", Support.SUPPORTED, "criu", worked);
        } catch (IOException e) {
            return unavailable("criu " + version + ": the canary could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("criu " + version + ": the probe was interrupted");
        } finally {
            if (canary != null) {
                canary.destroyForcibly();
            }
            if (dir != null) {
                Criu.deleteWorkDir(dir);
            }
        }
    }

    /** Kills the restored canary, checked by its start time as every signal steward sends. */
    private static void killRestored(Path pidfile) throws IOException {
        int pid = Integer.parseInt(Files.readString(pidfile).trim());
        ProcStat.read(pid).ifPresent(p -> ProcessTree.signalExact(pid, p.startTicks(), io.steward.sys.Signal.KILL.number()));
    }

    private static final String SOCKETS_HINT = " (kernels since 6.16 need CRIU >= 4.2 for sockets: SO_PASSCRED)";

    /** CRIU's error line with what is known of it: a socket option older CRIUs ask of any socket. */
    public static String explained(String error) {
        return error != null && error.contains("Can't get 1:16 opt") ? error + SOCKETS_HINT : error;
    }

    private static final java.util.regex.Pattern MAJOR_MINOR = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)");

    /** Whether a version such as {@code 4.1.1} or a kernel release such as {@code 6.18.4-x} is at least major.minor. */
    static boolean atLeast(String version, int major, int minor) {
        java.util.regex.Matcher m = MAJOR_MINOR.matcher(version);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
    }

    /** What the kernel and version say about a known failure. */
    private static String hint(String version, String kernel) {
        return version.startsWith("3.") || version.startsWith("4.0")
                ? " (kernels since 6.13 need CRIU >= 4.1; this is " + kernel + ")" : "";
    }

    /** Runs criu; null when it exited 0, else its last error line (or its exit code). */
    private static String run(Path criu, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "criu " + args[0] + " did not finish in " + TIMEOUT_SECONDS + " s";
        }
        if (p.exitValue() == 0) {
            return null;
        }
        String last = Criu.firstError(new String(out, StandardCharsets.UTF_8));
        return last != null ? last : "exit code " + p.exitValue();
    }

    /** What {@code criu --version} says, or {@code of unknown version}. */
    public static String version(Path criu) {
        try {
            Process p = new ProcessBuilder(criu.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                if (line.startsWith("Version:")) {
                    return line.substring("Version:".length()).trim();
                }
            }
            return "of unknown version";
        } catch (IOException e) {
            return "of unknown version";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "of unknown version";
        }
    }

    private static Capability unavailable(String reason) {
        return new Capability("checkpoint", Support.UNAVAILABLE, "criu", reason);
    }

    /** The cached row for {@code key}: three lines, the key, the support and the reason. */
    private static Capability read(Path cache, String key) {
        if (cache == null) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(cache);
            if (lines.size() == 3 && lines.get(0).equals(key)) {
                return new Capability("checkpoint", Support.valueOf(lines.get(1)), "criu", lines.get(2));
            }
        } catch (IOException | IllegalArgumentException e) {
            // none yet, or from another version of steward: probe again
        }
        return null;
    }

    private static void write(Path cache, String key, Capability row) {
        if (cache == null) {
            return;
        }
        try {
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            Files.write(tmp, List.of(key, row.support().name(), row.reason().replace('\n', ' ')));
            Files.move(tmp, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the next start probes again
        }
    }
}
