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

    /** Probes this host; the process row is what {@code runtime} negotiated when it started. */
    public static List<Capability> probe(ProcessRuntime runtime) {
        return List.of(lifecycle(), process(runtime.membershipStatus()),
                FileWatch.probe(), network());
    }

    /** Every row: {@link #probe}'s and the {@code checkpoint} row, probed once per {@code home} (its cache). */
    public static List<Capability> probe(ProcessRuntime runtime, java.nio.file.Path home) {
        List<Capability> rows = new java.util.ArrayList<>(probe(runtime));
        rows.add(CHECKPOINT.computeIfAbsent(home, CriuProbe::probe));
        return rows;
    }

    private static final java.util.Map<java.nio.file.Path, Capability> CHECKPOINT =
            new java.util.concurrent.ConcurrentHashMap<>();

    static Capability process(ProcessRuntime.MembershipStatus m) {
        if (m.backend().equals(Membership.CONNECTOR)) {
            return new Capability("process", Support.SUPPORTED, m.backend(), m.reason()
                    + "; run --observe process publishes them; loss is counted and answered by a /proc rescan");
        }
        return new Capability("process", Support.PARTIAL, m.backend(), m.reason()
                + "; no fork or exec events, and a descendant that escapes between two polls is found only "
                + "when it is the one running tree's");
    }

    /** What one sock_diag dump at the first probe showed; the answer holds for the process's life. */
    public static Capability network() {
        return NetworkProbe.ROW;
    }

    private static final class NetworkProbe {
        static final Capability ROW = probeNetwork();
    }

    static final String NETWORK_REASON = "listening ports and connections per session; run --observe network "
            + "publishes listening, connected and closed (TCP's final byte counts from the destroy broadcasts); "
            + "UDP and Unix sockets without byte counts (Unix sockets listed by ports, not observed)";

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

}
