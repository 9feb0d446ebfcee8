package io.steward.daemon;

import io.steward.api.Json;
import io.steward.api.StewardHome;
import io.steward.api.UiAddress;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.RunRequest;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code steward daemon run}: the daemon in the foreground until stopped (API call, SIGTERM, SIGINT). */
public final class DaemonMain {
    private DaemonMain() {}

    /** True when something answers on the socket. */
    public static boolean answering(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates STEWARD_HOME 0700 or checks an existing one (see {@link HomeDir}). */
    public static void prepareHome(StewardHome home) {
        HomeDir.prepare(home);
    }

    /** Runs until stopped; returns the exit code. */
    public static int run(StewardHome home) throws Exception {
        return run(home, null, false, false, false);
    }

    /**
     * Runs until stopped, with a UDP beat listener on {@code beatsUdp} (null for none), first
     * starting the saved apps when {@code resurrect} (what a boot unit wants).
     *
     * @param json once it listens, write its health to stdout as one JSON document (for a
     *     supervisor of steward that waits for it), besides the line on stderr
     * @return the exit code
     */
    public static int run(StewardHome home, java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery,
            boolean resurrect, boolean json) throws Exception {
        return run(home, beatsUdp, allowUnverifiedRecovery, resurrect, json, -1);
    }

    /**
     * {@link #run(StewardHome, java.net.InetSocketAddress, boolean, boolean, boolean)}, taking over
     * from the daemon this process was until its execve when {@code resumeFd} >= 0: the state it
     * handed over is in that memfd, and its listening socket is fd 0.
     */
    public static int run(StewardHome home, java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery,
            boolean resurrect, boolean json, int resumeFd) throws Exception {
        return run(home, beatsUdp, allowUnverifiedRecovery, resurrect, json, resumeFd, null);
    }

    /**
     * {@link #run(StewardHome, java.net.InetSocketAddress, boolean, boolean, boolean, int)}, serving
     * the dashboard on {@code ui} too (a loopback address; null for none until {@code steward ui}).
     */
    public static int run(StewardHome home, java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery,
            boolean resurrect, boolean json, int resumeFd, UiAddress ui) throws Exception {
        if (resumeFd >= 0) {
            return takeOver(home, beatsUdp, allowUnverifiedRecovery, resumeFd, ui);
        }
        if (answering(home.socket())) {
            long pid = io.steward.api.LockHolder.of(home.lock());
            System.err.println("steward: a daemon" + (pid > 0 ? " (pid " + pid + ")" : "") + " already answers on "
                    + home.socket());
            return 1;
        }
        try (Daemon daemon = Daemon.open(home, beatsUdp, allowUnverifiedRecovery); ApiServer server = ApiServer.start(daemon)) {
            String dashboard = ui != null ? server.ui(ui).url() : null;
            makeReplaceable(daemon, server);
            Thread hook = new Thread(() -> daemon.shutdown(RunRequest.DEFAULT_GRACE));
            Runtime.getRuntime().addShutdownHook(hook);
            System.err.println("steward: daemon " + Daemon.VERSION + " pid " + ProcessHandle.current().pid()
                    + " listening on " + home.socket()
                    + (beatsUdp != null ? "; UDP beats on port " + daemon.heartbeats().udpPort() : "")
                    + (dashboard != null ? "; dashboard on " + dashboard : ""));
            if (json) {
                System.out.println(Json.write(daemon.health().withUi(dashboard).toJson()));
                System.out.flush();
            }
            if (resurrect) {
                System.err.println("steward: resurrect: " + Json.write(daemon.resurrect().toJson()));
            }
            daemon.awaitStop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }

    /** After a take-over the dashboard is served again, but its port may be taken meanwhile: the sessions matter more. */
    private static void serveUi(ApiServer server, UiAddress ui) {
        try {
            server.ui(ui);
        } catch (io.steward.api.StewardException e) {
            System.err.println("steward: the dashboard is not served: " + e.getMessage());
        }
    }

    /** A daemon started as `steward daemon run` can be replaced in place by a build run the same way. */
    private static void makeReplaceable(Daemon daemon, ApiServer server) {
        java.util.List<java.util.List<String>> launch = DaemonUpgrade.launch();
        if (launch != null) {
            daemon.replaceable(new DaemonUpgrade(daemon, server, launch.get(0), launch.get(1)));
        }
    }

    private static int takeOver(StewardHome home, java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery,
            int resumeFd, UiAddress ui) throws Exception {
        // The native calls' bootstrap and the HTTP server's classes load on the second core meanwhile.
        Thread.ofPlatform().name("steward-warm-up").daemon(true).start(() -> {
            io.steward.sys.Libc.getpid();
            ApiServer.warmUp();
        });
        io.steward.daemon.upgrade.StateFile state = io.steward.daemon.upgrade.StateFile.read(resumeFd);
        Daemon taken;
        ApiServer serving;
        try {
            taken = Daemon.takeOver(home, state, beatsUdp, allowUnverifiedRecovery);
            serving = ApiServer.start(taken, state.section(DaemonState.METRICS), state.section(DaemonState.UI));
        } catch (Throwable t) {
            // Nothing is closed (closing would end every session): the build before takes over again, or this one halts.
            Fallback.takeOverAgain(state, resumeFd, t);
            throw t;
        }
        state.close(); // the mapping and the memfd: everything is taken over
        try (Daemon daemon = taken; ApiServer server = serving) {
            makeReplaceable(daemon, server);
            daemon.tookOver();
            if (ui != null) {
                serveUi(server, ui);
            }
            Thread hook = new Thread(() -> daemon.shutdown(RunRequest.DEFAULT_GRACE));
            Runtime.getRuntime().addShutdownHook(hook);
            daemon.awaitStop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }

    /**
     * What {@code daemon run --resume-check=N} prints: whether this build can take over a state of
     * format N (see {@link io.steward.daemon.upgrade.BuildCheck}).
     *
     * @return the exit code: 0 when it can
     */
    public static int resumeCheck(int format) {
        String answer = io.steward.daemon.upgrade.BuildCheck.answer(format);
        if (answer == null) {
            System.out.println("steward " + Daemon.VERSION + " reads state format "
                    + io.steward.daemon.upgrade.StateFile.FORMAT + ", not " + format);
            return 1;
        }
        System.out.println(answer);
        return 0;
    }

    /**
     * The daemon without the CLI (what tests run): no argument, or {@code daemon run} followed by
     * the {@code --resume-fd=N} or {@code --resume-check=N} a replacement in place passes on.
     */
    public static void main(String[] args) throws Exception {
        int resumeFd = -1;
        UiAddress ui = null;
        for (String a : args) {
            if (a.startsWith("--resume-check=")) {
                System.exit(resumeCheck(Integer.parseInt(a.substring("--resume-check=".length()))));
            } else if (a.startsWith("--resume-fd=")) {
                resumeFd = Integer.parseInt(a.substring("--resume-fd=".length()));
            } else if (a.startsWith("--ui=")) {
                ui = UiAddress.parse(a.substring("--ui=".length()));
            }
        }
        try {
            System.exit(run(StewardHome.fromEnvironment(), null, false, false, false, resumeFd, ui));
        } catch (io.steward.api.StewardException e) {
            System.err.println("steward: " + e.getMessage()); // one line, as the CLI says it
            System.exit(1);
        }
    }

}
