package io.steward.core;

import io.steward.sys.InetSocket;
import io.steward.sys.ProcFds;
import io.steward.sys.SockDiag;
import io.steward.sys.UnixSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The host's TCP, UDP and Unix sockets from {@code NETLINK_SOCK_DIAG} dumps, and which process
 * holds which: a socket is known to /proc only as {@code socket:[INODE]} behind a descriptor.
 */
public final class Sockets {
    private static final String[] TCP_STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};
    private static final int TCP_CLOSE = 7;

    /**
     * One socket, named as {@code ss} names things.
     *
     * @param protocol {@code tcp}, {@code udp} or {@code unix}
     * @param family {@code ipv4}, {@code ipv6} or {@code unix}
     * @param local for a Unix socket its path, {@code @name} when abstract, {@code *} when unbound
     * @param remote for a Unix socket its peer's path (a client's peer, the accepted socket, carries
     *     the listener's), {@code *} when unconnected or the peer is unbound
     * @param bytesIn bytes received, for TCP only (null otherwise)
     * @param bytesOut bytes sent and acknowledged, for TCP only (null otherwise)
     */
    public record Socket(String protocol, String family, String state, String local, String remote, long inode,
            int uid, Long bytesIn, Long bytesOut) {}

    private static final String UNBOUND = "*";

    /** A socket and the process holding it. */
    public record Held(int pid, Socket socket) {}

    private Sockets() {}

    /**
     * One dump of the host's sockets matched to each group of pids (a session's tree): for each
     * group, in the given order, the sockets its processes hold. Only those are named, so the cost
     * of a host with many sockets is the dump and the groups' descriptors, not formatting.
     */
    public static List<List<Held>> held(List<? extends Collection<Integer>> groups) {
        // The dumps and the descriptor walk are all kernel work of about equal cost (a few
        // microseconds a socket): done side by side, a thousand connections answer in half the time.
        FutureTask<List<InetSocket>> inet = new FutureTask<>(SockDiag::dump);
        FutureTask<List<UnixSocket>> unix = new FutureTask<>(SockDiag::dumpUnix);
        Thread.ofVirtual().name("sock-diag-dump").start(inet);
        Thread.ofVirtual().name("sock-diag-unix-dump").start(unix);
        List<Map<Long, Integer>> ownersByGroup = new ArrayList<>(groups.size());
        for (Collection<Integer> pids : groups) {
            ownersByGroup.add(owners(pids));
        }
        List<InetSocket> inetRaw = join(inet);
        UnixDump unixRaw = new UnixDump(join(unix));
        List<List<Held>> out = new ArrayList<>(groups.size());
        for (Map<Long, Integer> owners : ownersByGroup) {
            List<Held> mine = new ArrayList<>(owners.size());
            if (!owners.isEmpty()) {
                for (InetSocket s : inetRaw) {
                    Integer pid = s.inode() == 0 ? null : owners.get(s.inode());
                    if (pid != null) {
                        mine.add(new Held(pid, of(s)));
                    }
                }
                for (UnixSocket s : unixRaw.sockets()) {
                    Integer pid = owners.get(s.inode());
                    if (pid != null) {
                        mine.add(new Held(pid, unixRaw.of(s)));
                    }
                }
            }
            out.add(mine);
        }
        return out;
    }

    /**
     * A Unix dump, and its sockets' names by inode to name a peer: built on the first peer asked
     * for, as most calls hold no connected Unix socket and a host may have thousands.
     */
    private static final class UnixDump {
        private final List<UnixSocket> sockets;
        private Map<Long, String> byInode;

        UnixDump(List<UnixSocket> sockets) {
            this.sockets = sockets;
        }

        List<UnixSocket> sockets() {
            return sockets;
        }

        Socket of(UnixSocket s) {
            String remote = UNBOUND;
            if (s.peer() != 0) {
                if (byInode == null) {
                    byInode = new HashMap<>();
                    for (UnixSocket k : sockets) {
                        if (k.name() != null) {
                            byInode.put(k.inode(), k.name());
                        }
                    }
                }
                remote = byInode.getOrDefault(s.peer(), UNBOUND);
            }
            return new Socket("unix", "unix", state(true, s.state()), s.name() != null ? s.name() : UNBOUND, remote,
                    s.inode(), Math.max(s.uid(), 0), null, null);
        }
    }

    private static <T> List<T> join(FutureTask<List<T>> dump) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return dump.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every TCP and UDP socket of the host, IPv4 and IPv6, then every Unix socket, in every state. */
    public static List<Socket> dump() {
        List<InetSocket> raw = SockDiag.dump();
        UnixDump unix = new UnixDump(SockDiag.dumpUnix());
        List<Socket> out = new ArrayList<>(raw.size() + unix.sockets().size());
        for (InetSocket s : raw) {
            out.add(of(s));
        }
        for (UnixSocket s : unix.sockets()) {
            out.add(unix.of(s));
        }
        return out;
    }

    static Socket of(InetSocket s) {
        boolean tcp = s.protocol() == SockDiag.IPPROTO_TCP;
        boolean counted = tcp && s.bytesAcked() >= 0;
        return new Socket(tcp ? "tcp" : "udp", s.family() == SockDiag.AF_INET6 ? "ipv6" : "ipv4",
                state(tcp, s.state()), address(s.localAddress(), s.localPort()),
                address(s.remoteAddress(), s.remotePort()), s.inode(), s.uid(),
                counted ? s.bytesReceived() : null, counted ? s.bytesAcked() : null);
    }

    /** UDP and Unix sockets reuse the TCP state numbers: closed means unconnected there. */
    static String state(boolean tcp, int state) {
        if (!tcp) {
            return state == TCP_CLOSE ? "UNCONN" : state == 1 ? "ESTAB" : "UNKNOWN";
        }
        return state >= 0 && state < TCP_STATES.length ? TCP_STATES[state] : "UNKNOWN";
    }

    /** {@code 127.0.0.1:80} or {@code [::1]:80}, with the longest run of zero groups shortened to {@code ::}. */
    static String address(byte[] a, int port) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff) + ":" + port;
        }
        if (v4Mapped(a)) {
            // What a dual-stack socket (Java's default) bound to an IPv4 address reports.
            return "[::ffff:" + address(java.util.Arrays.copyOfRange(a, 12, 16), port).replace(":" + port, "]:" + port);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 1 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.append("]:").append(port).toString();
    }

    private static boolean v4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /**
     * Which of {@code pids} holds each socket: inode to pid, read from the {@code socket:[INODE]}
     * links under /proc/PID/fd. A process that ended meanwhile, or whose descriptors this user may
     * not read, holds nothing here. A socket shared by several (inherited over fork) goes to the first.
     */
    public static Map<Long, Integer> owners(Collection<Integer> pids) {
        Map<Long, Integer> out = new HashMap<>();
        for (int pid : pids) {
            for (long inode : ProcFds.socketInodes(pid)) {
                out.putIfAbsent(inode, pid);
            }
        }
        return out;
    }
}
