package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Replacing this process's program in place ({@code execve}) while keeping chosen descriptors: what
 * a daemon that hands its state to a new build of itself needs. The pid, the children and the
 * child-subreaper flag survive an execve; descriptors survive unless marked close-on-exec, so the
 * ones to keep are unmarked and every other one is marked.
 */
public final class Exec {
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SIG_SETMASK = 2;
    /** The kernel's sigset: 64 signals; glibc's sigset_t is larger, and the rest is ignored. */
    private static final long SIGSET_BYTES = 128;

    private static final MethodHandle EXECVE = Native.errnoCall("execve", FunctionDescriptor.of(INT, PTR, PTR, PTR));
    private static final MethodHandle MEMFD_CREATE =
            Native.errnoCall("memfd_create", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle DUP3 = Native.errnoCall("dup3", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SIGMASK =
            Native.errnoCall("pthread_sigmask", FunctionDescriptor.of(INT, INT, PTR, PTR));

    private Exec() {}

    /**
     * A new anonymous file in memory, close-on-exec until {@link #keep} says otherwise.
     *
     * @throws NativeException naming memfd_create
     */
    public static int memfd(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int fd = (int) MEMFD_CREATE.invokeExact(st, arena.allocateFrom(name), 1 /* MFD_CLOEXEC */);
            if (fd < 0) {
                throw new NativeException("memfd_create", Native.errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Marks {@code fd} to survive an execve ({@code keep}) or to be closed by it. */
    public static void closeOnExec(int fd, boolean close) {
        int flags = Libc.check("fcntl(" + fd + ", F_GETFD)", Libc.fcntl(fd, F_GETFD, 0));
        int want = close ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (want != flags) {
            Libc.check("fcntl(" + fd + ", F_SETFD)", Libc.fcntl(fd, F_SETFD, want));
        }
    }

    /** True when {@code fd} is open and survives an execve. */
    public static boolean keptOnExec(int fd) {
        int flags = Libc.fcntl(fd, F_GETFD, 0);
        return flags >= 0 && (flags & FD_CLOEXEC) == 0;
    }

    /** Makes {@code target} a copy of {@code fd} (closing what it was), kept across an execve. */
    public static void dup(int fd, int target) {
        try {
            MemorySegment st = Native.state();
            int r = (int) DUP3.invokeExact(st, fd, target, 0);
            if (r < 0) {
                throw new NativeException("dup3(" + fd + ", " + target + ")", Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Marks every open descriptor of this process close-on-exec except {@code keep}, which are
     * unmarked: the new program starts with those and nothing else (no jar, no epoll, no socket of
     * a client that would then hang on a peer that no longer reads it).
     *
     * @return the descriptors that will survive
     */
    public static List<Integer> keepOnly(Set<Integer> keep) {
        List<Integer> kept = new ArrayList<>();
        for (int fd : openDescriptors()) {
            boolean wanted = keep.contains(fd);
            try {
                closeOnExec(fd, !wanted);
            } catch (NativeException e) {
                if (e.errno() != Errno.EBADF) { // closed meanwhile (the listing's own descriptor, say)
                    throw e;
                }
                continue;
            }
            if (wanted) {
                kept.add(fd);
            }
        }
        for (int fd : keep) {
            if (!kept.contains(fd)) {
                throw new NativeException("keep descriptor " + fd + " across execve", Errno.EBADF);
            }
        }
        return kept;
    }

    private static List<Integer> openDescriptors() {
        List<Integer> fds = new ArrayList<>();
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            list.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("listing /proc/self/fd", e);
        }
        return fds;
    }

    /**
     * Replaces this process's program: returns only by throwing, when the kernel refused. The
     * calling thread's signal mask is cleared first, since a mask survives an execve and the JVM
     * blocks some signals in its threads.
     *
     * @throws NativeException naming execve and the program
     */
    public static NativeException execve(String program, List<String> argv, List<String> env) {
        try {
            MemorySegment empty = Arena.ofAuto().allocate(SIGSET_BYTES);
            MemorySegment st = Native.state();
            int r = (int) SIGMASK.invokeExact(st, SIG_SETMASK, empty, MemorySegment.NULL);
            if (r != 0) {
                return new NativeException("pthread_sigmask", r);
            }
            Arena arena = Arena.ofAuto();
            MemorySegment args = pointers(arena, argv);
            MemorySegment envp = pointers(arena, env);
            r = (int) EXECVE.invokeExact(st, arena.allocateFrom(program), args, envp);
            return new NativeException("execve(" + program + ")", Native.errno(st));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static MemorySegment pointers(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
