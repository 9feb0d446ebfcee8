package io.steward.core;

import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import java.util.List;

/** What this host lets steward observe, per event category, with the backend and an honest reason. */
public final class Capabilities {
    public enum Support {
        SUPPORTED("supported"), PARTIAL("partial"), UNAVAILABLE("unavailable");

        private final String wire;

        Support(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public record Capability(String category, Support support, String backend, String reason) {
        /** The form the API and the CLI print. */
        public java.util.Map<String, Object> toJson() {
            return io.steward.api.Json.object("category", category, "support", support.wire(), "backend", backend,
                    "reason", reason);
        }
    }

    private Capabilities() {}

    /** Probes this host. */
    public static List<Capability> probe() {
        boolean root = isRoot();
        return List.of(lifecycle(),
                new Capability("process", Support.UNAVAILABLE, "none",
                        "descendants are found by /proc scans at stop and exit, but creation events need the "
                                + "proc connector (netlink, CAP_NET_ADMIN" + (root ? ", held here" : ", not held here")
                                + "), which is not wired yet"),
                new Capability("file", Support.UNAVAILABLE, "none",
                        "needs fanotify (CAP_SYS_ADMIN" + (root ? ", held here" : ", not held here")
                                + ") or eBPF; not wired yet"),
                network());
    }

    /** What one sock_diag dump at the first probe showed; the answer holds for the process's life. */
    public static Capability network() {
        return NetworkProbe.ROW;
    }

    private static final class NetworkProbe {
        static final Capability ROW = probeNetwork();
    }

    static final String NETWORK_REASON = "listening ports and TCP connections with byte counts; no events yet";

    private static Capability probeNetwork() {
        try {
            Sockets.dump();
            return new Capability("network", Support.PARTIAL, "sock_diag", NETWORK_REASON);
        } catch (RuntimeException e) {
            // A NativeException names the call and the errno, e.g. socket(AF_NETLINK, ...): EPERM.
            return new Capability("network", Support.UNAVAILABLE, "sock_diag",
                    "a NETLINK_SOCK_DIAG dump failed here: " + e.getMessage());
        }
    }

    private static Capability lifecycle() {
        int fd = Pidfd.open(Libc.getpid());
        if (fd < 0) {
            return new Capability("lifecycle", Support.UNAVAILABLE, "pidfd",
                    "pidfd_open is not available on this kernel (needs Linux 5.3)");
        }
        Libc.close(fd);
        return new Capability("lifecycle", Support.SUPPORTED, "pidfd+epoll",
                "started and exited events from the runtime's own spawn and reap path; opt-in, free when off");
    }

    private static boolean isRoot() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
