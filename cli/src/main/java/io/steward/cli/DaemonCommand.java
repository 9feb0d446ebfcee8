package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.ErrorCode;
import io.steward.api.HealthInfo;
import io.steward.api.StewardException;
import io.steward.api.Json;
import io.steward.api.LockHolder;
import io.steward.api.MillisType;
import io.steward.api.StewardHome;
import io.steward.api.UiAddress;
import io.steward.client.DaemonUnreachableException;
import io.steward.client.StewardClient;
import io.steward.daemon.DaemonMain;
import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import io.steward.sys.PosixSpawn;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward daemon run|start|stop|status}. */
@Command(name = "daemon", description = "Run, start, stop or check the per-user daemon.",
        subcommands = {DaemonCommand.Run.class, DaemonCommand.Start.class, DaemonCommand.Stop.class,
            DaemonCommand.Status.class, DaemonCommand.Upgrade.class, DaemonCommand.Restart.class})
final class DaemonCommand {
    static final long START_TIMEOUT_MS = 10_000;

    /** The daemon's options, shared by run and start. */
    static final class DaemonOptions {
        @Option(names = "--resurrect", description = "Once up, start the saved apps that are meant to run (as steward resurrect).")
        boolean resurrect;

        @Option(names = "--beats-udp", paramLabel = "HOST:PORT",
                description = "Also take VLP beats over UDP (origin network-unverified); off by default.")
        String udp;

        @Option(names = "--allow-unverified-recovery",
                description = "Let stalls proven only by UDP beats trigger --on-stall actions.")
        boolean allowUnverifiedRecovery;

        @Option(names = "--ui", paramLabel = "127.0.0.1:PORT",
                description = "Also serve the dashboard on this loopback address (see steward ui).")
        String ui;

        /** The dashboard's address, checked before a daemon is started for it; null for none. */
        UiAddress uiAddress() {
            return ui == null ? null : UiAddress.parse(ui);
        }

        InetSocketAddress udpAddress() {
            if (udp == null) {
                return null;
            }
            int colon = udp.lastIndexOf(':');
            String host = colon > 0 ? udp.substring(0, colon) : "127.0.0.1";
            try {
                int port = Integer.parseInt(udp.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return new InetSocketAddress(InetAddress.ofLiteral(host), port);
            } catch (IllegalArgumentException e) {
                throw new StewardException(ErrorCode.INVALID_INPUT,
                        "--beats-udp: expected HOST:PORT with a literal address, such as 127.0.0.1:9101, not '" + udp + "'");
            }
        }

        List<String> argv() {
            List<String> out = new ArrayList<>();
            if (resurrect) {
                out.add("--resurrect");
            }
            if (udp != null) {
                out.add("--beats-udp=" + udp);
            }
            if (allowUnverifiedRecovery) {
                out.add("--allow-unverified-recovery");
            }
            if (ui != null) {
                out.add("--ui=" + ui);
            }
            return out;
        }
    }

    @Command(name = "run", description = "Run the daemon in the foreground.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--json", description = "Once it listens, one JSON document on stdout: its health, as daemon status --json.")
        boolean json;

        @picocli.CommandLine.Mixin
        DaemonOptions options = new DaemonOptions();

        /** Set by a daemon that replaces itself in place (daemon upgrade): the memfd with its state. */
        @Option(names = "--resume-fd", hidden = true, defaultValue = "-1")
        int resumeFd;

        /** Asked by a daemon about to hand over: can this build read its state's format? */
        @Option(names = "--resume-check", hidden = true, defaultValue = "-1")
        int resumeCheck;

        @Override
        public Integer call() throws Exception {
            if (resumeCheck >= 0) {
                return DaemonMain.resumeCheck(resumeCheck);
            }
            return DaemonMain.run(StewardHome.fromEnvironment(), options.udpAddress(), options.allowUnverifiedRecovery,
                    options.resurrect, json, resumeFd, options.uiAddress());
        }
    }

    /**
     * {@code daemon run [--beats-udp=A] [--allow-unverified-recovery] --resume-fd=N}, as a daemon
     * that replaces itself executes it, read without picocli: the new JVM's start is the window.
     */
    static int takeOver(String[] args) {
        DaemonOptions options = new DaemonOptions();
        int fd = Integer.parseInt(args[args.length - 1].substring("--resume-fd=".length()));
        for (int i = 2; i < args.length - 1; i++) {
            if (args[i].startsWith("--beats-udp=")) {
                options.udp = args[i].substring("--beats-udp=".length());
            } else if (args[i].equals("--allow-unverified-recovery")) {
                options.allowUnverifiedRecovery = true;
            } else if (args[i].startsWith("--ui=")) {
                options.ui = args[i].substring("--ui=".length());
            } else if (args[i].equals("--ui") && i + 1 < args.length - 1) {
                options.ui = args[++i];
            } else {
                System.err.println("steward: daemon run: unknown option " + args[i] + " for a take-over");
                return Errors.USAGE;
            }
        }
        try {
            return DaemonMain.run(StewardHome.fromEnvironment(), options.udpAddress(), options.allowUnverifiedRecovery,
                    false, false, fd, options.uiAddress());
        } catch (Exception e) {
            System.err.println("steward: the take-over failed: " + e);
            e.printStackTrace();
            return Errors.FAILURE;
        }
    }

    @Command(name = "start", description = "Start the daemon in the background (its log: STEWARD_HOME/daemon.log).")
    static final class Start implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @picocli.CommandLine.Mixin
        DaemonOptions options = new DaemonOptions();

        @Override
        public Integer call() throws Exception {
            StewardHome home = StewardHome.fromEnvironment();
            options.udpAddress();
            UiAddress ui = options.uiAddress();
            HealthInfo health = start(home, options.argv());
            if (ui != null && health.ui() == null) {
                // A daemon that ran already: it serves the dashboard from now on, as asked.
                new StewardClient(home).daemon().ui(ui);
                health = new StewardClient(home).daemon().health();
            }
            System.out.println(json ? Json.write(health.toJson()) : "steward: daemon pid " + health.pid() + " on "
                    + home.socket() + (health.ui() != null ? "; dashboard on " + health.ui() : ""));
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop every session (soft, then hard) and the daemon.")
    static final class Stop implements Callable<Integer> {
        @Option(names = "--grace", paramLabel = "D", defaultValue = "5s", description = "Grace before SIGKILL (default ${DEFAULT-VALUE}).")
        String grace;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            StewardHome home = StewardHome.fromEnvironment();
            long ms = new MillisType(0).parse("--grace", grace).toMillis();
            new StewardClient(home).daemon().stopDaemon(Duration.ofMillis(ms));
            long deadline = System.currentTimeMillis() + ms + START_TIMEOUT_MS;
            while (DaemonMain.answering(home.socket()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            System.out.println(json ? Json.write(Json.object("stopped", true)) : "steward: daemon stopped");
            return 0;
        }
    }

    /** How long `daemon upgrade` waits for the new daemon to answer once the hand-over began. */
    static final Duration UPGRADE_WAIT = Duration.ofSeconds(60);

    @Command(name = "upgrade", description = "Replace the daemon in place with this build: same pid, sessions, output and clients.")
    static final class Upgrade implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document: the new daemon's health.")
        boolean json;

        @Override
        public Integer call() {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(daemonJvmOptions());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
            return replace(command, json);
        }
    }

    @Command(name = "restart", description = "Replace the daemon in place with the build it was started from (as upgrade).")
    static final class Restart implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document: the new daemon's health.")
        boolean json;

        @Override
        public Integer call() {
            return replace(List.of(), json);
        }
    }

    private static int replace(List<String> command, boolean json) {
        StewardClient client = new StewardClient(StewardHome.fromEnvironment());
        long began = System.nanoTime();
        io.steward.api.UpgradeStarted started = client.daemon().upgrade(command);
        HealthInfo h = client.daemon().awaitUpgraded(started, UPGRADE_WAIT);
        long ms = (System.nanoTime() - began) / 1_000_000;
        if (json) {
            System.out.println(Json.write(h.toJson()));
        } else {
            System.out.printf("steward: daemon %s replaced by %s in %d ms: pid %d, %s, upgrade %d%n", started.version(),
                    h.version(), ms, h.pid(), Printer.count(h.sessions(), "running session"), h.upgrades());
        }
        return 0;
    }

    @Command(name = "status", description = "Show the daemon's health.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            HealthInfo h = new StewardClient(StewardHome.fromEnvironment()).daemon().health();
            if (json) {
                System.out.println(Json.write(h.toJson()));
            } else {
                System.out.printf("steward %s: pid %s, up %s, %s, home %s%s%s%n", h.version(), h.pid(),
                        Durations.format(Duration.ofSeconds(h.uptime().toSeconds())),
                        Printer.count(h.sessions(), "running session"), h.home(),
                        h.upgrades() > 0 ? ", upgraded " + Printer.count(h.upgrades(), "time") : "",
                        h.ui() != null ? ", dashboard " + h.ui() : "");
            }
            return 0;
        }
    }

    /**
     * JVM options for the daemon: the CLI's own, less those that trade peak speed for start-up time
     * and the CLI's AOT cache (bin/steward), which a short client command trained: the daemon, a
     * long-running server loading Jetty, gains nothing from it.
     */
    static List<String> daemonJvmOptions() {
        List<String> options = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-XX:TieredStopAtLevel") && !a.equals("-XX:-UsePerfData") && !a.startsWith("-XX:AOTCache")
                        && !a.startsWith("-XX:AOTMode") && !a.startsWith("-XX:AOTConfiguration")
                        && !a.startsWith("-Xlog:aot"))
                .toList());
        // A small young generation: an idle daemon's footprint is otherwise mostly eden pages that
        // request garbage touched once (measured: 64 KB per idle session by default, 12 KB with -Xmn8m).
        // The heap itself stays unbounded, since rings live on it.
        if (options.stream().noneMatch(a -> a.startsWith("-Xmn"))) {
            options.add("-Xmn16m");
        }
        // bin/steward grants these in the jar's manifest, which only `java -jar` reads; the daemon
        // starts with -cp, so it is given them here.
        if (options.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        if (options.stream().noneMatch(a -> a.contains("java.base/sun.nio.ch="))) {
            options.addAll(List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"));
        }
        // The checkpoint store's zstd (aircompressor, pure Java) reads and writes memory through
        // sun.misc.Unsafe; allowed outright, so the daemon's log gets no warning at the first checkpoint.
        if (options.stream().noneMatch(a -> a.startsWith("--sun-misc-unsafe-memory-access"))) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        options.removeIf(a -> a.startsWith("-Dsteward.daemonAot="));
        // The daemon's own AOT cache (bin/steward trains it): a replacement in place waits on the new
        // JVM's start, which it about halves. A cache made for other jars is ignored, silently.
        String aot = System.getProperty("steward.daemonAot");
        if (aot != null && Files.isRegularFile(Path.of(aot))) {
            options.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot*=off"));
        }
        String extra = System.getenv("STEWARD_DAEMON_JAVA_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /**
     * Starts a detached daemon (its own session, stdin from /dev/null, output to its log) unless one
     * answers or holds the home's lock, then waits for its health with a bounded backoff.
     */
    static HealthInfo start(StewardHome home) throws Exception {
        return start(home, List.of());
    }

    /** {@link #start(StewardHome)} with options for {@code daemon run}. */
    static HealthInfo start(StewardHome home, List<String> runOptions) throws Exception {
        StewardClient client = new StewardClient(home);
        if (DaemonMain.answering(home.socket()) || LockHolder.of(home.lock()) != LockHolder.NONE) {
            // A daemon holding the lock is starting or putting its socket back: health waits for it,
            // or says that it does not answer. Starting another would only be refused.
            return client.daemon().health();
        }
        DaemonMain.prepareHome(home);
        Path log = home.file("daemon.log");
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(daemonJvmOptions());
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(Main.class.getName());
        argv.add("daemon");
        argv.add("run");
        argv.addAll(runOptions);
        List<String> env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        long logSize = Files.exists(log) ? Files.size(log) : 0;
        int pid;
        try (PosixSpawn ps = new PosixSpawn()) {
            pid = ps.open(0, "/dev/null", Libc.O_RDONLY, 0)
                    .open(1, log.toString(), 0x441 /* O_WRONLY|O_CREAT|O_APPEND */, 0600)
                    .dup2(1, 2).newSession().closeFrom(3).resetSignals()
                    .spawn(argv.getFirst(), argv, env);
        }
        int pidfd = Libc.check("pidfd_open", Pidfd.open(pid));
        try {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            long pause = 5;
            while (System.currentTimeMillis() < deadline) {
                try {
                    return client.daemon().health();
                } catch (DaemonUnreachableException e) {
                    if (e.lockHolder() != LockHolder.NONE) {
                        throw e;
                    }
                    if (Pidfd.hasExited(pidfd)) {
                        Pidfd.reap(pidfd);
                        if (LockHolder.of(home.lock()) != LockHolder.NONE) {
                            return client.daemon().health(); // a concurrent start won the home: that daemon is the one
                        }
                        throw DaemonUnreachableException.didNotStart(home.socket(), log, logSize,
                                "the daemon exited at start");
                    }
                    Libc.poll(pidfd, Libc.POLLIN, (int) pause);
                    pause = Math.min(pause * 2, 200);
                }
            }
        } finally {
            Libc.close(pidfd);
        }
        throw DaemonUnreachableException.didNotStart(home.socket(), log, logSize,
                "the daemon did not answer within " + START_TIMEOUT_MS / 1000 + "s");
    }
}
