package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.UpgradeStarted;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.Caller;
import io.steward.daemon.supervision.SessionHandover;
import io.steward.daemon.upgrade.BuildCheck;
import io.steward.daemon.upgrade.Hold;
import io.steward.daemon.upgrade.StateFile;
import io.steward.sys.Exec;
import io.steward.sys.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Replaces the daemon in place, keeping its pid, its sessions, their output and their clients:
 *
 * <ol>
 *   <li>the new build is asked, in a child, whether it reads this state's format ({@link BuildCheck});
 *   <li>the API drains: new connections wait in the socket's backlog, requests that come on open ones
 *       are answered {@code upgrading}, those under way finish;
 *   <li>every thread that changes state is held between two pieces of work (the I/O loop, the tree
 *       worker, the backoff timer, the reaper, the heartbeat thread, the event stream, the log
 *       writers), once every session is steady (running, in its backoff, or ended);
 *   <li>the state is written into a memfd ({@link DaemonState}), the streams are ended (attached
 *       clients get 1012 and come back), every descriptor but the kept ones is marked close-on-exec,
 *       the listening socket becomes fd 0, and the JVM is executed again with {@code --resume-fd}.
 * </ol>
 *
 * Anything that fails before the execve undoes the holds and the drain: the daemon serves on as it
 * was, and its health and an {@code upgrade-failed} event say why.
 */
final class DaemonUpgrade {
    private static final Logger LOG = Logger.getLogger(DaemonUpgrade.class.getName());
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration HOLD = Duration.ofSeconds(2);

    private final Daemon daemon;
    private final ApiServer server;
    /** How this daemon was started: java, its options, the classpath and the main class. */
    private final List<String> ownCommand;
    /** The options of {@code daemon run} it was started with that a successor keeps (never --resurrect). */
    private final List<String> runOptions;
    private final AtomicBoolean underWay = new AtomicBoolean();

    DaemonUpgrade(Daemon daemon, ApiServer server, List<String> ownCommand, List<String> runOptions) {
        this.daemon = daemon;
        this.server = server;
        this.ownCommand = List.copyOf(ownCommand);
        this.runOptions = List.copyOf(runOptions);
    }

    /**
     * How this process was started, split at {@code daemon run}: the command before it and the
     * options after it that a successor keeps; null when it was not started that way.
     */
    static List<List<String>> launch() {
        List<String> argv;
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
            argv = List.of(raw.split("\0"));
        } catch (IOException e) {
            return null;
        }
        for (int i = 1; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("daemon") && argv.get(i + 1).equals("run")) {
                List<String> options = argv.subList(i + 2, argv.size()).stream()
                        .filter(a -> !a.equals("--resurrect") && !a.equals("--json") && !a.startsWith("--resume-"))
                        .toList();
                return List.of(argv.subList(0, i), options);
            }
        }
        // DaemonMain run as the main class itself takes `daemon run` and the resume options too.
        int main = argv.indexOf(DaemonMain.class.getName());
        return main > 0 ? List.of(argv.subList(0, main + 1), List.of()) : null;
    }

    /** Checks the build, then hands over on a thread of its own; returns as the hand-over begins. */
    UpgradeStarted begin(Caller caller, List<String> command) {
        if (!underWay.compareAndSet(false, true)) {
            throw new StewardException(ErrorCode.CONFLICT, "an upgrade of this daemon is under way already");
        }
        List<String> next = command.isEmpty() ? ownCommand : List.copyOf(command);
        try {
            // Under the spawn gate: the check's JVM is no orphan for the sweep to reap.
            daemon.runtime().gated(() -> {
                BuildCheck.require(next, daemon.home().dir());
                return null;
            });
        } catch (StewardException e) {
            underWay.set(false);
            daemon.audit().record(caller, "upgrade", null, e.code().wire());
            daemon.upgradeFailed(e.getMessage());
            throw e;
        }
        daemon.audit().record(caller, "upgrade", null, "ok");
        UpgradeStarted started = new UpgradeStarted(Libc.getpid(), Daemon.VERSION, daemon.upgrades());
        Thread.ofPlatform().name("steward-upgrade").start(() -> handOver(next));
        return started;
    }

    private void handOver(List<String> command) {
        long stoppedServing = System.nanoTime();
        List<Runnable> undo = new ArrayList<>();
        try {
            if (!server.drain(DRAIN)) {
                throw new IllegalStateException("requests were still under way after " + DRAIN.toSeconds() + " s");
            }
            undo.add(server::undrain);
            long drained = System.nanoTime();
            holdSteady(undo);
            SessionHandover sessions = new SessionHandover(daemon.sessions());
            sessions.pauseLogs();
            undo.add(sessions::resumeLogs);
            long held = System.nanoTime();
            Set<Integer> keep = new HashSet<>();
            StateFile state = StateFile.create();
            undo.add(state::close);
            DaemonState.write(state, daemon, stoppedServing, keep);
            state.put(DaemonState.METRICS, server::handOver);
            state.put(DaemonState.UI, server::handOverUi);
            int memfd = state.fd();
            keep.add(memfd);
            int listening = server.listeningFd();
            System.err.printf("steward: handing over to %s: drained in %d ms, held in %d ms, %d MiB of state written in %d ms%n",
                    command.getFirst(), (drained - stoppedServing) / 1_000_000, (held - drained) / 1_000_000,
                    state.bytes() >> 20, (System.nanoTime() - held) / 1_000_000);
            exec(command, memfd, listening, keep, undo);
        } catch (Exception | Error e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            LOG.warning("upgrade failed, serving on: " + reason);
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                } catch (RuntimeException again) {
                    LOG.warning("undoing the upgrade: " + again);
                }
            }
            daemon.upgradeFailed(reason);
        } finally {
            underWay.set(false);
        }
    }

    /**
     * Holds every thread that changes state, once every session is steady; a session between two
     * states (stopping, starting) is waited for up to {@link #SETTLE}.
     */
    private void holdSteady(List<Runnable> undo) throws Exception {
        SessionHandover sessions = new SessionHandover(daemon.sessions());
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            String unsettled = sessions.unsettled();
            if (unsettled == null) {
                List<Runnable> held = hold();
                unsettled = sessions.unsettled();
                if (unsettled == null) {
                    undo.addAll(held);
                    return;
                }
                for (int i = held.size() - 1; i >= 0; i--) {
                    held.get(i).run();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(unsettled + " after " + SETTLE.toSeconds() + " s; upgrade once it has settled");
            }
            Thread.sleep(20);
        }
    }

    /** Holds the threads; returns what lets them go, in the order to run it backwards. */
    private List<Runnable> hold() throws Exception {
        List<Runnable> release = new ArrayList<>();
        AutoCloseable runtime = daemon.runtime().freeze(HOLD);
        release.add(() -> {
            try {
                runtime.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Hold hold = new Hold();
        daemon.sessions().onBackoffThread(hold.task());
        daemon.reaper().onTickThread(hold.task());
        daemon.heartbeats().execute(hold.task());
        release.add(hold::release);
        if (!hold.await(HOLD)) {
            release.reversed().forEach(Runnable::run);
            throw new IllegalStateException("the daemon's threads were not free within " + HOLD.toMillis() + " ms");
        }
        daemon.events().freeze();
        release.add(daemon.events()::thaw);
        return release;
    }

    /**
     * {@code command daemon run} with the options this daemon runs with; the dashboard's address is
     * where it listens now (it may have been started since, by {@code steward ui}), or none.
     */
    private List<String> run(List<String> command) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("daemon", "run"));
        for (int i = 0; i < runOptions.size(); i++) {
            String option = runOptions.get(i);
            if (option.equals("--ui")) {
                i++; // and its value
            } else if (!option.startsWith("--ui=")) {
                argv.add(option);
            }
        }
        String ui = server.uiAddress();
        if (ui != null) {
            argv.add("--ui=" + ui);
        }
        return argv;
    }

    /** Keeps {@code keep} and the listening socket (as fd 0) and executes the new daemon; returns only by throwing. */
    private void exec(List<String> command, int memfd, int listening, Set<Integer> keep, List<Runnable> undo) {
        List<String> argv = run(command);
        argv.add("--resume-fd=" + memfd);
        List<String> env = Fallback.environment();
        // Should the new build fail to take over, this one takes over again from the same state.
        List<String> fallback = run(ownCommand);
        env.add(Fallback.VARIABLE + "=" + io.steward.api.Json.write(java.util.Map.of("argv", fallback)));
        Exec.dup(listening, 0);
        undo.add(() -> {
            int devNull = Libc.open("/dev/null", Libc.O_RDONLY, 0);
            if (devNull >= 0) {
                Exec.dup(devNull, 0);
                Libc.close(devNull);
            }
        });
        keep.addAll(List.of(0, 1, 2)); // 1 and 2: the daemon's log
        Exec.keepOnly(keep);
        throw Exec.execve(argv.getFirst(), argv, env);
    }
}
