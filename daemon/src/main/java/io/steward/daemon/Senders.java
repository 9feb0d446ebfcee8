package io.steward.daemon;

import io.steward.core.ProcStat;
import io.steward.core.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * Who a kernel-attested sender is: its start time and PID namespace (read once, on its first
 * datagram), and the session it belongs to. Everything comes from /proc, so a sender that has
 * already exited is simply unknown.
 */
final class Senders {
    /** Deep enough for any real tree; a loop in a corrupt /proc read cannot spin. */
    private static final int MAX_DEPTH = 64;

    private Senders() {}

    /** The daemon's own PID namespace. */
    static final long OWN_NAMESPACE = namespace(ProcessHandle.current().pid());

    /** The inode of {@code /proc/<pid>/ns/pid}, or 0 when it cannot be read. */
    static long namespace(long pid) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
            int open = link.indexOf('[');
            int close = link.indexOf(']');
            return open < 0 || close < open ? 0 : Long.parseLong(link, open + 1, close, 10);
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** Start time in clock ticks after boot, or 0 when the process is gone. */
    static long startTicks(int pid) {
        return ProcStat.read(pid).map(ProcStat::startTicks).orElse(0L);
    }

    /**
     * The live session {@code pid} belongs to: its main process, a descendant of it (up the parent
     * chain), or a process carrying its originator tag (a daemonized child re-parented away from
     * it). Empty for a process no session owns.
     */
    static Optional<Session> owner(int pid, Collection<Session> sessions) {
        int p = pid;
        for (int depth = 0; depth < MAX_DEPTH && p > 1; depth++) {
            for (Session s : sessions) {
                if (s.live() && (s.process.pid() == p || s.vitals.mainPid() == p)) {
                    return Optional.of(s);
                }
            }
            Optional<ProcStat> stat = ProcStat.read(p);
            if (stat.isEmpty()) {
                break;
            }
            p = stat.get().ppid();
        }
        for (Session s : sessions) {
            byte[] tag = (ProcessSpec.ORIGINATOR_VAR + "=" + s.process.originator()).getBytes(StandardCharsets.UTF_8);
            if (s.live() && ProcStat.environContains(pid, tag)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code pid} is {@code s}'s process or one of its descendants (or its named main pid). */
    static boolean belongsTo(int pid, Session s) {
        return owner(pid, java.util.List.of(s)).isPresent();
    }
}
