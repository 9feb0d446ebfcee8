package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code posix_spawn} call: file actions and attributes accumulate, then {@link #spawn}
 * starts the child. glibc runs the child on a CLONE_VM|CLONE_VFORK stack and reports exec
 * failures (ENOENT, EACCES, ENOEXEC) as the call's result, so nothing runs between fork and exec
 * in Java and failures are precise.
 *
 * <p>Single use; close it to release the native structures.
 */
public final class PosixSpawn implements AutoCloseable {
    private static final short SETPGROUP = 0x02;
    private static final short SETSIGDEF = 0x04;
    private static final short SETSIGMASK = 0x08;
    private static final short SETSID = 0x80;

    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on 64-bit; room to spare. */
    private static final long ACTIONS_SIZE = 256;
    private static final long ATTR_SIZE = 512;
    private static final long SIGSET_SIZE = 128;
    private static final long SLAB_BYTES = 4 * 1024;

    private static final boolean HAS_CLOSEFROM = Native.hasSymbol("posix_spawn_file_actions_addclosefrom_np");

    private static final MethodHandle SPAWN =
            Native.call("posix_spawn", FunctionDescriptor.of(INT, PTR, PTR, PTR, PTR, PTR, PTR));
    private static final MethodHandle ACTIONS_INIT =
            Native.call("posix_spawn_file_actions_init", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle ACTIONS_DESTROY =
            Native.call("posix_spawn_file_actions_destroy", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle ADD_DUP2 =
            Native.call("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(INT, PTR, INT, INT));
    private static final MethodHandle ADD_CLOSE =
            Native.call("posix_spawn_file_actions_addclose", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle ADD_OPEN =
            Native.call("posix_spawn_file_actions_addopen", FunctionDescriptor.of(INT, PTR, INT, PTR, INT, INT));
    private static final MethodHandle ADD_CHDIR =
            Native.call("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle ADD_CLOSEFROM = HAS_CLOSEFROM
            ? Native.call("posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(INT, PTR, INT))
            : null;
    private static final MethodHandle ATTR_INIT = Native.call("posix_spawnattr_init", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle ATTR_DESTROY =
            Native.call("posix_spawnattr_destroy", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle ATTR_SETFLAGS = Native.call("posix_spawnattr_setflags",
            FunctionDescriptor.of(INT, PTR, ValueLayout.JAVA_SHORT));
    private static final MethodHandle ATTR_SETPGROUP =
            Native.call("posix_spawnattr_setpgroup", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle ATTR_SETSIGMASK =
            Native.call("posix_spawnattr_setsigmask", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle ATTR_SETSIGDEFAULT =
            Native.call("posix_spawnattr_setsigdefault", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle SIGEMPTYSET = Native.call("sigemptyset", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle SIGFILLSET = Native.call("sigfillset", FunctionDescriptor.of(INT, PTR));

    private final Arena arena = Arena.ofConfined();
    /** Every native string and struct of one spawn comes from one block: one malloc, one free. */
    private final SegmentAllocator slab = SegmentAllocator.slicingAllocator(arena.allocate(SLAB_BYTES, 16));
    private final MemorySegment actions = slab.allocate(ACTIONS_SIZE, 8);
    private final MemorySegment attr = slab.allocate(ATTR_SIZE, 8);
    private final List<Integer> keep = new ArrayList<>(List.of(0, 1, 2));
    private short flags;
    private boolean closed;

    public PosixSpawn() {
        try {
            check("posix_spawn_file_actions_init", (int) ACTIONS_INIT.invokeExact(actions));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
        } catch (Throwable t) {
            arena.close();
            throw Native.rethrow(t);
        }
    }

    public PosixSpawn dup2(int from, int to) {
        try {
            check("posix_spawn_file_actions_adddup2", (int) ADD_DUP2.invokeExact(actions, from, to));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        keep.add(to);
        return this;
    }

    public PosixSpawn open(int fd, String path, int oflags, int mode) {
        try {
            check("posix_spawn_file_actions_addopen",
                    (int) ADD_OPEN.invokeExact(actions, fd, string(path), oflags, mode));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        keep.add(fd);
        return this;
    }

    public PosixSpawn chdir(String dir) {
        try {
            check("posix_spawn_file_actions_addchdir_np", (int) ADD_CHDIR.invokeExact(actions, string(dir)));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /**
     * Closes every descriptor from {@code low} up in the child, so it inherits nothing of the
     * JVM's. Without glibc's closefrom action (before 2.34) each fd open in the JVM is closed one by one.
     */
    public PosixSpawn closeFrom(int low) {
        try {
            if (HAS_CLOSEFROM) {
                check("posix_spawn_file_actions_addclosefrom_np", (int) ADD_CLOSEFROM.invokeExact(actions, low));
                return this;
            }
            for (int fd : openDescriptors()) {
                if (fd >= low && !keep.contains(fd)) {
                    check("posix_spawn_file_actions_addclose", (int) ADD_CLOSE.invokeExact(actions, fd));
                }
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** The child leads a new session (and so a new process group) and has no controlling terminal until it opens one. */
    public PosixSpawn newSession() {
        flags |= SETSID;
        return this;
    }

    /** The child leads a new process group in the caller's session. */
    public PosixSpawn newProcessGroup() {
        flags |= SETPGROUP;
        try {
            check("posix_spawnattr_setpgroup", (int) ATTR_SETPGROUP.invokeExact(attr, 0));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** Empty signal mask and default dispositions: the JVM's blocked and ignored signals do not leak into the child. */
    public PosixSpawn resetSignals() {
        MemorySegment empty = slab.allocate(SIGSET_SIZE, 8);
        MemorySegment full = slab.allocate(SIGSET_SIZE, 8);
        try {
            check("sigemptyset", (int) SIGEMPTYSET.invokeExact(empty));
            check("sigfillset", (int) SIGFILLSET.invokeExact(full));
            check("posix_spawnattr_setsigmask", (int) ATTR_SETSIGMASK.invokeExact(attr, empty));
            check("posix_spawnattr_setsigdefault", (int) ATTR_SETSIGDEFAULT.invokeExact(attr, full));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        flags |= SETSIGMASK | SETSIGDEF;
        return this;
    }

    /**
     * Starts {@code path} with {@code argv} and {@code env} ({@code KEY=value} strings).
     *
     * @return the child's pid
     * @throws NativeException {@code posix_spawn(path)} with the errno of the failed step
     */
    public int spawn(String path, List<String> argv, List<String> env) {
        return spawn(path, argv, CStrings.EMPTY, env);
    }

    /**
     * Starts {@code path} with {@code argv} and an environment of {@code base} (encoded once,
     * shared between spawns) followed by {@code extra}.
     *
     * @return the child's pid
     * @throws NativeException {@code posix_spawn(path)} with the errno of the failed step
     */
    public int spawn(String path, List<String> argv, CStrings base, List<String> extra) {
        try {
            check("posix_spawnattr_setflags", (int) ATTR_SETFLAGS.invokeExact(attr, flags));
            MemorySegment pid = slab.allocate(ValueLayout.JAVA_INT);
            int r = (int) SPAWN.invokeExact(pid, string(path), actions, attr,
                    strings(CStrings.EMPTY, argv), strings(base, extra));
            if (r != 0) {
                throw new NativeException("posix_spawn(" + path + ")", r);
            }
            return pid.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private MemorySegment strings(CStrings base, List<String> values) {
        int n = base.size() + values.size();
        MemorySegment array;
        try {
            array = slab.allocate(ValueLayout.ADDRESS, n + 1);
        } catch (IndexOutOfBoundsException e) {
            array = arena.allocate(ValueLayout.ADDRESS, n + 1);
        }
        base.copyPointers(array, 0);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, base.size() + i, string(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, n, MemorySegment.NULL);
        return array;
    }

    /** A C string from the slab, or from the arena when the slab is spent (huge environments). */
    private MemorySegment string(String s) {
        long need = (long) s.length() * 3 + 1;
        try {
            return need < SLAB_BYTES / 4 ? slab.allocateFrom(s) : arena.allocateFrom(s);
        } catch (IndexOutOfBoundsException e) {
            return arena.allocateFrom(s);
        }
    }

    private static void check(String call, int result) {
        if (result != 0) {
            throw new NativeException(call, result);
        }
    }

    private static List<Integer> openDescriptors() {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                fds.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException | NumberFormatException e) {
            throw new NativeException("opendir(/proc/self/fd)", Errno.EIO);
        }
        return fds;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) ACTIONS_DESTROY.invokeExact(actions);
            ignored = (int) ATTR_DESTROY.invokeExact(attr);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
