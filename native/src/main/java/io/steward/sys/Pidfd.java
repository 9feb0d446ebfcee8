package io.steward.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Process file descriptors: a handle that names one process for its whole life, so signals
 * and waits can never hit a recycled pid. Exit is reaped with {@code waitid(P_PIDFD)} through the
 * raw system call, whose fifth argument returns the child's resource usage.
 */
public final class Pidfd {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_WAITID = Native.X86_64 ? 247 : 95;

    private static final int P_PIDFD = 3;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int CLD_EXITED = 1;

    private static final long SIGINFO_SIZE = 128;
    private static final long RUSAGE_SIZE = 144;

    private Pidfd() {}

    /** A pidfd for {@code pid}, or {@code -errno} (ESRCH when it is gone). */
    public static int open(int pid) {
        return (int) Libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0, 0);
    }

    /** Sends {@code signal} to the process behind the pidfd; 0 or {@code -errno}. */
    public static int sendSignal(int pidfd, int signal) {
        return (int) Libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0, 0);
    }

    /** How a reaped child ended, with the resources it used. */
    public record Exit(int pid, int code, int signal, boolean coreDumped, long userMicros, long systemMicros,
            long maxRssKiB) {
        public boolean exited() {
            return signal == 0;
        }
    }

    /** True when the child behind {@code pidfd} has exited; it stays a zombie, unreaped. */
    public static boolean hasExited(int pidfd) {
        {
            MemorySegment info = Native.scratch().asSlice(0, SIGINFO_SIZE);
            info.set(ValueLayout.JAVA_INT, 16, 0);
            long r = Libc.syscall(SYS_WAITID, P_PIDFD, pidfd, info.address(), WEXITED | WNOHANG | WNOWAIT, 0);
            return r == 0 && info.get(ValueLayout.JAVA_INT, 16) != 0;
        }
    }

    /**
     * Reaps the child behind {@code pidfd} without blocking.
     *
     * @return its exit, or null while it still runs
     * @throws NativeException when the pidfd names no child of ours (ECHILD)
     */
    public static Exit reap(int pidfd) {
        {
            MemorySegment info = Native.scratch().asSlice(0, SIGINFO_SIZE);
            MemorySegment usage = Native.scratch().asSlice(SIGINFO_SIZE, RUSAGE_SIZE);
            info.set(ValueLayout.JAVA_INT, 16, 0);
            long r = Libc.syscall(SYS_WAITID, P_PIDFD, pidfd, info.address(), WEXITED | WNOHANG, usage.address());
            Libc.check("waitid(P_PIDFD)", r);
            int pid = info.get(ValueLayout.JAVA_INT, 16);
            if (pid == 0) {
                return null;
            }
            int code = info.get(ValueLayout.JAVA_INT, 8);
            int status = info.get(ValueLayout.JAVA_INT, 24);
            long utime = usage.get(ValueLayout.JAVA_LONG, 0) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, 8);
            long stime = usage.get(ValueLayout.JAVA_LONG, 16) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, 24);
            long maxRss = usage.get(ValueLayout.JAVA_LONG, 32);
            return code == CLD_EXITED
                    ? new Exit(pid, status, 0, false, utime, stime, maxRss)
                    : new Exit(pid, -1, status, code == 3, utime, stime, maxRss);
        }
    }
}
