package io.steward.bench;

import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.StewardHome;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory and CPU of an idle daemon holding many sessions. With the daemon (pid DAEMON_PID, started
 * by bench/run) answering: a warm-up of WARMUP sessions of {@code true}, each created, waited for
 * and removed; after a short pause the daemon's VmRSS; then COUNT sessions of {@code sleep 3600},
 * each checked to run sleep; after the pause again VmRSS, whose growth over COUNT is
 * {@code rss-per-session}; then the daemon's CPU time (utime + stime) over IDLE_SECONDS of idle
 * wall time is {@code idle-cpu}. Finally the daemon is stopped through the API (grace 1 s): the
 * time until its process is gone is {@code daemon-stop}, and every sleep must be gone with it.
 */
final class IdleBench {
    static final long SETTLE_MILLIS = 5000;
    /** How long the daemon may take to stop its sessions (grace 1 s) and exit before the run fails. */
    static final long STOP_LIMIT_SECONDS = 60;

    private IdleBench() {}

    record Child(long pid, long startTicks) {}

    static void run(long daemonPid, int warmup, int count, int idleSeconds, long clockTicks) throws Exception {
        StewardClient client = new StewardClient(StewardHome.fromEnvironment());
        client.daemon().health();
        Sessions sessions = client.sessions();
        for (int i = 0; i < warmup; i++) {
            String id = sessions.run(RunRequestBody.builder(List.of("true")).build()).id();
            sessions.await(id, Duration.ofSeconds(10));
            sessions.remove(id);
        }
        sessions.list(true, null);
        Thread.sleep(SETTLE_MILLIS);
        long rss0 = Proc.statusBytes(daemonPid, "VmRSS");
        long threads0 = Proc.threads(daemonPid);

        List<SessionInfo> created = new ArrayList<>(count);
        RunRequestBody sleep = RunRequestBody.builder(List.of("sleep", "3600")).build();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            created.add(sessions.run(sleep));
        }
        double createSeconds = (System.nanoTime() - t0) / 1e9;
        List<Child> children = running(client, created);
        Thread.sleep(SETTLE_MILLIS);
        long rss1 = Proc.statusBytes(daemonPid, "VmRSS");
        long threads1 = Proc.threads(daemonPid);
        System.err.printf("  idle-sessions: %d sessions created in %.1f s; daemon VmRSS %d -> %d bytes,"
                + " threads %d -> %d%n",
                count, createSeconds, rss0, rss1, threads0, threads1);
        System.out.printf("rss-per-session %d bytes%n", (rss1 - rss0) / count);

        long cpu0 = Proc.cpuTicks(daemonPid);
        long w0 = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        long cpu1 = Proc.cpuTicks(daemonPid);
        double wall = (System.nanoTime() - w0) / 1e9;
        double cpuSeconds = (double) (cpu1 - cpu0) / clockTicks;
        System.err.printf("  idle-sessions: daemon CPU %.2f s over %.1f s idle; VmRSS now %d bytes%n", cpuSeconds, wall,
                Proc.statusBytes(daemonPid, "VmRSS"));
        System.out.printf("idle-cpu %.3f %%%n", 100 * cpuSeconds / wall);

        stop(client, daemonPid, children, clockTicks);
    }

    /** Waits until every session runs {@code sleep} (it has exec'd), and returns their processes. */
    private static List<Child> running(StewardClient client, List<SessionInfo> created)
            throws InterruptedException {
        List<Child> children = new ArrayList<>(created.size());
        for (SessionInfo s : created) {
            String id = s.id();
            long pid = s.pid();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"sleep".equals(Proc.comm(pid)) || !s.running()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("idle-sessions: session " + id + " is not running sleep: "
                            + Json.write(s.toJson()));
                }
                Thread.sleep(10);
                s = client.sessions().get(id);
            }
            children.add(new Child(pid, Proc.startTicks(pid)));
        }
        return children;
    }

    /**
     * Stops the daemon through the API and checks that it exits and takes every sleep with it. A
     * daemon that does not exit in time is a failure, reported with what it still says about its
     * sessions, once the sleeps were checked.
     */
    private static void stop(StewardClient client, long daemonPid, List<Child> children, long clockTicks)
            throws InterruptedException {
        long t0 = System.nanoTime();
        client.daemon().stopDaemon(Duration.ofSeconds(1));
        long deadline = t0 + STOP_LIMIT_SECONDS * 1_000_000_000L;
        while (Proc.alive(daemonPid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        boolean exited = !Proc.alive(daemonPid);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String hung = null;
        if (exited) {
            System.out.printf("daemon-stop %.2f s%n", seconds);
        } else {
            hung = hungReport(client, daemonPid, clockTicks);
        }
        List<Long> left = new ArrayList<>();
        for (Child c : children) {
            if (Proc.alive(c.pid()) && Proc.startTicks(c.pid()) == c.startTicks()) {
                left.add(c.pid());
            }
        }
        System.err.printf("  idle-sessions: daemon %s; %d of %d sleeps left%n",
                exited ? String.format("stopped in %.2f s", seconds) : "still runs after " + STOP_LIMIT_SECONDS + " s",
                left.size(), children.size());
        if (!left.isEmpty()) {
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            throw new IllegalStateException("idle-sessions: " + left.size() + " sleeps outlived the daemon's stop, e.g."
                    + " pids " + left.subList(0, Math.min(10, left.size())) + " (killed now)");
        }
        if (hung != null) {
            throw new IllegalStateException(hung);
        }
    }

    /** What a daemon that did not exit after daemon/stop still says, and how busy it is. */
    private static String hungReport(StewardClient client, long daemonPid, long clockTicks)
            throws InterruptedException {
        long cpu0 = Proc.cpuTicks(daemonPid);
        Thread.sleep(2000);
        long busy = (Proc.cpuTicks(daemonPid) - cpu0) * 100 / (2 * clockTicks);
        String sessions;
        try {
            int running = 0;
            int runningButGone = 0;
            for (SessionInfo s : client.sessions().list(true, null)) {
                if (s.running()) {
                    running++;
                    if (!Proc.alive(s.pid())) {
                        runningButGone++;
                    }
                }
            }
            sessions = running + " sessions still say running, " + runningButGone + " of them with no live process";
        } catch (RuntimeException e) {
            sessions = "its API no longer answers (" + e.getMessage() + ")";
        }
        return String.format("idle-sessions: FAILED, the daemon still runs %d s after POST /v1/daemon/stop"
                + " {\"graceMs\":1000}: %s; it keeps %d %% of a CPU busy (%d threads)", STOP_LIMIT_SECONDS,
                sessions, busy, Proc.threads(daemonPid));
    }
}
