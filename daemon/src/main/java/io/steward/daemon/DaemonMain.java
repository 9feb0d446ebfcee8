package io.steward.daemon;

import io.steward.api.Json;
import io.steward.api.StewardHome;
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
        if (answering(home.socket())) {
            long pid = io.steward.api.LockHolder.of(home.lock());
            System.err.println("steward: a daemon" + (pid > 0 ? " (pid " + pid + ")" : "") + " already answers on "
                    + home.socket());
            return 1;
        }
        try (Daemon daemon = Daemon.open(home, beatsUdp, allowUnverifiedRecovery); ApiServer server = ApiServer.start(daemon)) {
            Thread hook = new Thread(() -> daemon.shutdown(RunRequest.DEFAULT_GRACE));
            Runtime.getRuntime().addShutdownHook(hook);
            System.err.println("steward: daemon " + Daemon.VERSION + " pid " + ProcessHandle.current().pid()
                    + " listening on " + home.socket()
                    + (beatsUdp != null ? "; UDP beats on port " + daemon.heartbeats().udpPort() : ""));
            if (json) {
                System.out.println(Json.write(daemon.health().toJson()));
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

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(StewardHome.fromEnvironment()));
        } catch (io.steward.api.StewardException e) {
            System.err.println("steward: " + e.getMessage()); // one line, as the CLI says it
            System.exit(1);
        }
    }

}
