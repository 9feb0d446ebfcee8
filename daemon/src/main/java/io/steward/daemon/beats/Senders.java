package io.steward.daemon.beats;

import io.steward.core.ProcStat;
import io.steward.daemon.session.Session;
import io.steward.sys.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Who a kernel-attested sender is: its start time and PID namespace (read once, on its first
 * datagram), and the session it belongs to. Everything comes from what the kernel says (the pid
 * and uid it attached to the datagram, the parent chain in /proc), never from anything the sender
 * controls, such as a variable in its environment: any process of the same user could copy
 * {@code STEWARD_ORIGINATOR} from a session. A sender that has already exited is simply unknown.
 */
final class Senders {
    /** Deep enough for any real tree; a loop in a corrupt /proc read cannot spin. */
    private static final int MAX_DEPTH = 64;

    /**
     * How long a sender no tree knows yet may wait for the I/O loop to read its fork. Only such a
     * sender waits (one gone before its datagram was read, such as systemd-notify), and the loop
     * answers at once unless it is that far behind: 100 ms lost a READY=1 on a loaded machine.
     */
    private static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(1);

    private Senders() {}

    /** The daemon's own PID namespace. */
    static final long OWN_NAMESPACE = namespace(ProcessHandle.current().pid());

    /** The daemon's uid: the only one whose beats and notify messages count. */
    static final int OWN_UID = Libc.getuid();

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
     * The live session {@code pid} belongs to: its main process or a descendant of it (up the
     * parent chain), or the main pid it named with {@code MAINPID=} (checked to be in its tree
     * then, and matched by start time, so a daemonized main process still counts once re-parented
     * and a reused pid does not). Empty for a process no session owns; a process that left its
     * session's tree by another way (double-forked away) is not attributed.
     */
    static Optional<Session> owner(int pid, Collection<Session> sessions) {
        int p = pid;
        for (int depth = 0; depth < MAX_DEPTH && p > 1; depth++) {
            Optional<ProcStat> stat = ProcStat.read(p);
            for (Session s : sessions) {
                if (s.live() && (s.process().pid() == p
                        || stat.isPresent() && s.vitals().isMainPid(p, stat.get().startTicks()))) {
                    return Optional.of(s);
                }
            }
            if (stat.isEmpty()) {
                break;
            }
            p = stat.get().ppid();
        }
        return Optional.empty();
    }

    /**
     * Whether {@code pid} is {@code s}'s process or one of its descendants (or its named main pid),
     * by the parent chain in /proc or, for a sender already gone from it, by the tree's membership.
     */
    static boolean belongsTo(int pid, Session s) {
        return owner(pid, List.of(s)).isPresent()
                || s.live() && s.process().hasOrHadOnceCaughtUp(pid, CATCH_UP);
    }
}
