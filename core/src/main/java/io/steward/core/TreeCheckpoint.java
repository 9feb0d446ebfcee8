package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import io.steward.sys.Pty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dump and restore of a process tree with CRIU. Steward holds one end of every pipe (or the master
 * of the terminal) its processes use; CRIU cannot dump that end, so the tree's ends are named as
 * external at dump, and a restore gets new pipes (or a new terminal) in their place through
 * {@code --inherit-fd}: the restored tree writes into descriptors the runtime reads, as a spawned
 * one does. The restored root is made the runtime's child ({@code --restore-sibling}), so it is
 * waited for and stopped as any other.
 */
final class TreeCheckpoint {
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** How long the pids of a tree just killed may take to be reaped before a restore calls them taken. */
    private static final Duration PIDS_FREE = Duration.ofSeconds(5);

    private TreeCheckpoint() {}

    /**
     * Dumps {@code p}'s tree into {@code images} and leaves it stopped (SIGSTOP), for the caller to
     * take what it has yet to read of its stdin ({@link #pendingStdin}), then to resume it or, once
     * the images are safe, to end it.
     */
    static CheckpointedTree dump(ManagedProcess p, Criu criu, Path images, Path log, ProcessRuntime runtime) {
        Launcher.Spawned s = p.spawned();
        List<Integer> pids = new ArrayList<>();
        pids.add(p.pid());
        for (ProcStat d : p.descendants()) {
            pids.add(d.pid());
        }
        CheckpointedTree tree = s.pty()
                ? new CheckpointedTree(pids, s.originator(), false, 0, 0, 0, ttyId(Pty.slavePath(s.stdout())))
                : new CheckpointedTree(pids, s.originator(),
                        p.spec().grouping() != ProcessSpec.Grouping.NEW_SESSION,
                        pipeInode(s.stdin()), pipeInode(s.stdout()), pipeInode(s.stderr()), null);
        List<String> args = new ArrayList<>(List.of("dump", "-t", Integer.toString(p.pid()), "-D", images.toString(),
                "-v4", "--leave-stopped"));
        if (tree.shellJob()) {
            args.add("--shell-job");
        }
        for (String external : tree.externals()) {
            args.add("--external");
            args.add(external);
        }
        Criu.Result r = runtime.gated(() -> criu.run(args, new int[0], log, TIMEOUT));
        if (!r.ok()) {
            throw new Criu.Failure("dump", r.error());
        }
        return tree;
    }

    /**
     * Restores the tree of {@code images} with new pipes or a new terminal in place of the old;
     * runs under the runtime's spawn gate, after {@link #awaitPidsFree} (which must not: orphans
     * are reaped only while the gate is free). On failure nothing is left: no descriptor, no process.
     */
    static Launcher.Spawned restore(ProcessSpec spec, CheckpointedTree tree, Criu criu, Path images, Path log,
            ProcessRuntime runtime) {
        List<Integer> parentFds = new ArrayList<>(3);
        List<Integer> childFds = new ArrayList<>(3);
        List<String> args = new ArrayList<>(List.of("restore", "-D", images.toString(), "-v4", "--restore-detached",
                "--restore-sibling", "--pidfile", log.resolveSibling("restored.pid").toString()));
        if (tree.shellJob()) {
            args.add("--shell-job");
        }
        try {
            int stdin = -1;
            int stdout;
            int stderr = -1;
            if (tree.tty() != null) {
                ProcessSpec.PtySize size = spec.pty() != null ? spec.pty() : new ProcessSpec.PtySize(24, 80);
                Pty.Pair pair = Pty.open(size.rows(), size.cols());
                parentFds.add(pair.master());
                inherit(args, childFds, pair.slave(), "tty[" + tree.tty() + "]");
                stdin = stdout = pair.master();
            } else {
                if (tree.stdinPipe() != 0) {
                    int[] in = Launcher.pipe(parentFds, childFds, false);
                    inherit(args, childFds, in[0], CheckpointedTree.pipe(tree.stdinPipe()));
                    stdin = in[1];
                }
                int[] out = Launcher.pipe(parentFds, childFds, true);
                inherit(args, childFds, out[1], CheckpointedTree.pipe(tree.stdoutPipe()));
                stdout = out[0];
                if (tree.stderrPipe() != 0 && tree.stderrPipe() != tree.stdoutPipe()) {
                    int[] err = Launcher.pipe(parentFds, childFds, true);
                    inherit(args, childFds, err[1], CheckpointedTree.pipe(tree.stderrPipe()));
                    stderr = err[0];
                }
            }
            int[] inherited = childFds.stream().mapToInt(Integer::intValue).toArray();
            Criu.Result r = criu.run(args, inherited, log, TIMEOUT);
            Launcher.closeAll(childFds);
            if (!r.ok()) {
                throw new Criu.Failure("restore", r.error());
            }
            int pid = Integer.parseInt(Files.readString(log.resolveSibling("restored.pid")).trim());
            int pidfd = Libc.check("pidfd_open", Pidfd.open(pid));
            return new Launcher.Spawned(pid, pidfd, tree.originator(), stdin, stdout, stderr, tree.tty() != null);
        } catch (IOException e) {
            Launcher.closeAll(childFds);
            Launcher.closeAll(parentFds);
            throw new Criu.Failure("restore", "no pid file: " + e.getMessage());
        } catch (RuntimeException e) {
            Launcher.closeAll(childFds);
            Launcher.closeAll(parentFds);
            throw e;
        }
    }

    /**
     * What a stopped tree has yet to read of its stdin: the bytes in the pipe, copied with tee(2)
     * (not consumed: should the checkpoint fail, the tree reads them as if nothing happened)
     * through a read end opened on the pipe by /proc, then the bytes the sink still queues. Taken
     * on the loop with the sink locked, so nothing is written into the pipe between the two. A
     * terminal's input queue is the kernel's and stays behind; the sink's queue is carried.
     */
    static byte[] pendingStdin(ManagedProcess p, IoLoop loop) {
        Launcher.Spawned s = p.spawned();
        StdinSink sink = p.stdin().orElse(null);
        if (sink == null || !sink.isOpen()) {
            return new byte[0];
        }
        java.util.concurrent.CompletableFuture<byte[]> taken = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                taken.complete(sink.pending(() -> s.pty() || !sink.isOpen() ? new byte[0] : pipeContent(s.stdin())));
            } catch (RuntimeException e) {
                taken.completeExceptionally(e);
            }
        });
        return taken.join();
    }

    /** The bytes in the pipe whose write end is {@code writeEnd}, left where they are. */
    private static byte[] pipeContent(int writeEnd) {
        int reader = Libc.check("open(/proc/self/fd/" + writeEnd + ")", Libc.open("/proc/self/fd/" + writeEnd,
                Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0));
        int[] copy = null;
        try {
            int size = Libc.check("fcntl(F_GETPIPE_SZ)", Libc.fcntl(reader, Libc.F_GETPIPE_SZ, 0));
            copy = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            Libc.check("fcntl(F_SETPIPE_SZ)", Libc.fcntl(copy[1], Libc.F_SETPIPE_SZ, size));
            long n = Libc.tee(reader, copy[1], size, Libc.SPLICE_F_NONBLOCK);
            if (n == -io.steward.sys.Errno.EAGAIN || n == 0) {
                return new byte[0];
            }
            Libc.check("tee", n);
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                java.lang.foreign.MemorySegment buf = arena.allocate(n);
                long got = 0;
                while (got < n) {
                    long r = Libc.check("read", Libc.read(copy[0], buf.asSlice(got), n - got));
                    got += r;
                }
                return buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            }
        } finally {
            Libc.close(reader);
            if (copy != null) {
                Libc.close(copy[0]);
                Libc.close(copy[1]);
            }
        }
    }

    /** Adds {@code --inherit-fd fd[N]:RES} for the child's descriptor that will sit at N (3, 4, …). */
    private static void inherit(List<String> args, List<Integer> childFds, int fd, String resource) {
        if (!childFds.contains(fd)) {
            childFds.add(fd);
        }
        args.add("--inherit-fd");
        args.add("fd[" + (3 + childFds.indexOf(fd)) + "]:" + resource);
    }

    /**
     * CRIU gives every process its pid back, so the tree's pids must be free: a dumped tree was
     * killed moments ago and its last zombies may be unreaped yet; anything else there is a conflict.
     */
    static void awaitPidsFree(List<Integer> pids, ProcessRuntime runtime) {
        long deadline = System.nanoTime() + PIDS_FREE.toNanos();
        while (true) {
            Integer taken = null;
            for (int pid : pids) {
                if (Files.exists(Path.of("/proc/" + pid))) {
                    taken = pid;
                    break;
                }
            }
            if (taken == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String comm = ProcStat.read(taken).map(ProcStat::comm).orElse("?");
                throw new StewardException(ErrorCode.CONFLICT, "pid " + taken + " of the checkpoint is in use (by "
                        + comm + "): a restore gives every process its pid back; end that process first");
            }
            runtime.adoptZombies();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StewardException(ErrorCode.CLOSED, "restore interrupted");
            }
        }
    }

    /** The inode of the pipe behind {@code fd}, from its /proc link {@code pipe:[INODE]}; 0 for none. */
    private static long pipeInode(int fd) {
        if (fd < 0) {
            return 0;
        }
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return link.startsWith("pipe:[") ? Long.parseLong(link.substring(6, link.length() - 1)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** A terminal as CRIU names it: its device number and its file system's, in hex. */
    private static String ttyId(String slavePath) {
        try {
            long rdev = ((Number) Files.getAttribute(Path.of(slavePath), "unix:rdev")).longValue();
            long dev = ((Number) Files.getAttribute(Path.of(slavePath), "unix:dev")).longValue();
            return Long.toHexString(rdev) + ":" + Long.toHexString(dev);
        } catch (IOException e) {
            throw new Criu.Failure("dump", "cannot stat the terminal " + slavePath + ": " + e.getMessage());
        }
    }
}
