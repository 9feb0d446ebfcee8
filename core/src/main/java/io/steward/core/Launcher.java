package io.steward.core;

import io.steward.sys.CStrings;
import io.steward.sys.Errno;
import io.steward.sys.Libc;
import io.steward.sys.NativeException;
import io.steward.sys.Pidfd;
import io.steward.sys.PosixSpawn;
import io.steward.sys.Pty;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ProcessSpec} into a running child: resolves the program, builds the
 * environment, creates pipes or a pty, and calls posix_spawn. On any failure every descriptor it
 * made is closed again, so a failed start leaves nothing behind.
 */
final class Launcher {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** What a successful spawn hands to the runtime; the fds are the parent's ends, -1 when absent. */
    record Spawned(int pid, int pidfd, String originator, int stdin, int stdout, int stderr,
            boolean pty) {}

    private Launcher() {}

    static Spawned spawn(ProcessSpec spec, String originator) {
        Environment env = environment(spec, originator);
        String program = resolve(spec, env.path());
        List<Integer> parentFds = new ArrayList<>(4);
        List<Integer> childFds = new ArrayList<>(4);
        try (PosixSpawn ps = new PosixSpawn()) {
            int stdin = -1;
            int stdout;
            int stderr = -1;
            if (spec.cwd() != null) {
                ps.chdir(spec.cwd().toString());
            }
            if (spec.pty() != null) {
                Pty.Pair pair = Pty.open(spec.pty().rows(), spec.pty().cols());
                parentFds.add(pair.master());
                childFds.add(pair.slave());
                // Opened by path after setsid, the slave becomes the child's controlling terminal.
                ps.newSession().open(0, pair.slavePath(), Libc.O_RDWR, 0).dup2(0, 1).dup2(0, 2);
                stdout = pair.master();
                stdin = pair.master();
            } else {
                switch (spec.stdin()) {
                    case PIPE -> {
                        int[] p = pipe(parentFds, childFds, false);
                        ps.dup2(p[0], 0);
                        stdin = p[1];
                    }
                    case NULL -> ps.open(0, "/dev/null", Libc.O_RDONLY, 0);
                    case INHERIT -> { }
                }
                int[] out = pipe(parentFds, childFds, true);
                ps.dup2(out[1], 1);
                stdout = out[0];
                if (spec.mergeStderr()) {
                    ps.dup2(out[1], 2);
                } else {
                    int[] err = pipe(parentFds, childFds, true);
                    ps.dup2(err[1], 2);
                    stderr = err[0];
                }
                if (spec.grouping() == ProcessSpec.Grouping.NEW_SESSION) {
                    ps.newSession();
                } else {
                    ps.newProcessGroup();
                }
            }
            ps.closeFrom(3).resetSignals();
            int pid = spec.pidVariable() == null
                    ? ps.spawn(program, spec.argv(), env.base(), env.extra())
                    : ps.spawn(SHELL, withPidVariable(spec, program), env.base(), env.extra());
            closeAll(childFds);
            int pidfd = Libc.check("pidfd_open", Pidfd.open(pid));
            if (spec.nice() != null) {
                // posix_spawn has no niceness attribute: applied at once, before the child can fork much.
                Libc.setpriority(Libc.PRIO_PROCESS, pid, spec.nice());
            }
            return new Spawned(pid, pidfd, originator, stdin, stdout, stderr, spec.pty() != null);
        } catch (NativeException e) {
            closeAll(childFds);
            closeAll(parentFds);
            throw translate(e, spec, program);
        } catch (RuntimeException e) {
            closeAll(childFds);
            closeAll(parentFds);
            throw e;
        }
    }

    private static final String SHELL = "/bin/sh";

    /**
     * The shell learns its pid as {@code $$}, exports it and execs the program in its place, so the
     * program keeps that pid. The program was resolved already: a missing one fails the spawn as usual.
     */
    private static List<String> withPidVariable(ProcessSpec spec, String program) {
        List<String> argv = new ArrayList<>(spec.argv().size() + 3);
        argv.add(SHELL);
        argv.add("-c");
        argv.add("export " + spec.pidVariable() + "=$$; exec \"$0\" \"$@\"");
        argv.add(program);
        argv.addAll(spec.argv().subList(1, spec.argv().size()));
        return argv;
    }

    /** A pipe whose parent end is non-blocking; the child's end stays blocking, as programs expect. */
    static int[] pipe(List<Integer> parentFds, List<Integer> childFds, boolean childWrites) {
        int[] p = Libc.pipe2(Libc.O_CLOEXEC);
        int parent = childWrites ? p[0] : p[1];
        parentFds.add(parent);
        childFds.add(childWrites ? p[1] : p[0]);
        Libc.check("fcntl(O_NONBLOCK)", Libc.fcntl(parent, Libc.F_SETFL, Libc.O_NONBLOCK));
        return p;
    }

    static void closeAll(List<Integer> fds) {
        for (int fd : fds) {
            Libc.close(fd);
        }
        fds.clear();
    }

    private static SpawnException translate(NativeException e, ProcessSpec spec, String program) {
        if (spec.cwd() != null && !Files.isDirectory(spec.cwd())) {
            return new SpawnException(SpawnException.DIRECTORY, spec.cwd().toString(), e.errno());
        }
        return new SpawnException(SpawnException.PROGRAM, program, e.errno());
    }

    /** The JVM's environment never changes, so its KEY=value form is built once. */
    private static final List<Map.Entry<String, String>> INHERITED = System.getenv().entrySet().stream()
            .filter(e -> !e.getKey().equals(ProcessSpec.ORIGINATOR_VAR))
            .map(e -> Map.entry(e.getKey(), e.getKey() + "=" + e.getValue()))
            .toList();

    /** The same strings, encoded for the child once: most children inherit the environment unchanged. */
    private static final CStrings INHERITED_NATIVE = CStrings.of(INHERITED.stream().map(Map.Entry::getValue).toList());
    private static final String INHERITED_PATH = pathOf(INHERITED.stream().map(Map.Entry::getValue).toList());

    /** A child's environment: {@code base} (pre-encoded) then {@code extra}; {@code path} is its PATH. */
    record Environment(CStrings base, List<String> extra, String path) {}

    static Environment environment(ProcessSpec spec, String originator) {
        String tag = ProcessSpec.ORIGINATOR_VAR + "=" + originator;
        if (!spec.clearEnv() && spec.env().isEmpty()) {
            return new Environment(INHERITED_NATIVE, List.of(tag), INHERITED_PATH);
        }
        List<String> env = overlaid(spec);
        env.add(tag);
        return new Environment(CStrings.EMPTY, env, pathOf(env));
    }

    private static List<String> overlaid(ProcessSpec spec) {
        List<Map.Entry<String, String>> base = spec.clearEnv() ? List.of() : INHERITED;
        List<String> env = new ArrayList<>(base.size() + spec.env().size() + 1);
        for (Map.Entry<String, String> e : base) {
            if (!spec.env().containsKey(e.getKey())) {
                env.add(e.getValue());
            }
        }
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            if (!e.getKey().equals(ProcessSpec.ORIGINATOR_VAR)) {
                env.add(e.getKey() + "=" + e.getValue());
            }
        }
        return env;
    }

    private static String pathOf(List<String> env) {
        String path = DEFAULT_PATH;
        for (String e : env) {
            if (e.startsWith("PATH=")) {
                path = e.substring(5);
            }
        }
        return path;
    }

    /**
     * Finds the program the way execvp would, but on the child's PATH rather than ours, and checks the
     * working directory first so its failure is not mistaken for a missing program.
     */
    private static String resolve(ProcessSpec spec, String path) {
        if (spec.cwd() != null) {
            if (!Files.exists(spec.cwd())) {
                throw new SpawnException(SpawnException.DIRECTORY, spec.cwd().toString(), Errno.ENOENT);
            }
            if (!Files.isDirectory(spec.cwd())) {
                throw new SpawnException(SpawnException.DIRECTORY, spec.cwd().toString(), Errno.ENOTDIR);
            }
        }
        String name = spec.argv().getFirst();
        if (name.indexOf('/') >= 0) {
            return name;
        }
        String denied = null;
        for (String dir : path.split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
                denied = denied == null ? candidate.toString() : denied;
            }
        }
        if (denied != null) {
            throw new SpawnException(SpawnException.PROGRAM, denied, Errno.EACCES);
        }
        throw new SpawnException(SpawnException.PROGRAM, name, Errno.ENOENT);
    }
}
