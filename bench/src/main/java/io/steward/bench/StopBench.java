package io.steward.bench;

import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.StewardHome;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency of {@code POST /v1/sessions/{id}/stop} with a 30 s grace, timed around
 * {@link StewardClient#stop} (one request on a fresh Unix-socket connection, as the CLI makes it).
 * The sessions run {@code sh -c "trap '' TERM; sleep 3600"}, so the stop can only start the grace:
 * the call must return at once, and the benchmark checks that every process still runs afterwards
 * and that the session says it is stopping. A warm-up batch of WARMUP sessions goes through the
 * same steps untimed; then COUNT sessions are timed. Each batch is killed (POST /kill) and removed.
 */
final class StopBench {
    static final long GRACE_MS = 30_000;
    static final String COMMAND = "trap '' TERM; sleep 3600";
    /** How long a stop may take to show in the session (it is carried out after the answer). */
    static final long EFFECT_LIMIT_NANOS = 5_000_000_000L;
    /** SIGTERM's bit in the SigIgn mask of /proc/PID/status. */
    private static final long TERM_BIT = 1L << (15 - 1);

    private StopBench() {}

    static void run(int warmup, int count) throws Exception {
        StewardClient client = new StewardClient(StewardHome.fromEnvironment());
        client.daemon().health();
        batch(client.sessions(), warmup);
        double[] ms = batch(client.sessions(), count);
        Arrays.sort(ms);
        System.err.printf("  stop-latency: %d stops, min %.3f ms, max %.3f ms%n", ms.length, ms[0], ms[ms.length - 1]);
        System.out.printf("stop-median %.3f ms%n", percentile(ms, 50));
        System.out.printf("stop-p99 %.3f ms%n", percentile(ms, 99));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Starts {@code n} TERM-ignoring sessions, stops each (timed), checks them, kills and removes them. */
    private static double[] batch(Sessions sessions, int n) throws InterruptedException {
        List<String> ids = new ArrayList<>(n);
        List<Long> pids = new ArrayList<>(n);
        RunRequestBody request = RunRequestBody.builder(List.of("sh", "-c", COMMAND)).build();
        try {
            for (int i = 0; i < n; i++) {
                SessionInfo s = sessions.run(request);
                ids.add(s.id());
                pids.add(s.pid());
            }
            for (int i = 0; i < n; i++) {
                awaitIgnoringTerm(pids.get(i));
            }
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                SessionInfo s = sessions.stop(ids.get(i), Duration.ofMillis(GRACE_MS), false);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (!s.running()) {
                    throw new IllegalStateException("stop-latency: session exited on a stop with grace: "
                            + Json.write(s.toJson()));
                }
            }
            long stopsDone = System.nanoTime();
            int late = 0;
            for (int i = 0; i < n; i++) {
                // The stop takes effect on the daemon's I/O loop, after the answer: give it a moment.
                SessionInfo s = sessions.get(ids.get(i));
                if (!s.stopping()) {
                    late++;
                    long t0 = System.nanoTime();
                    while (!s.stopping() && System.nanoTime() - t0 < EFFECT_LIMIT_NANOS) {
                        Thread.sleep(10);
                        s = sessions.get(ids.get(i));
                    }
                    System.err.printf("  stop-latency: session %d of %d said stopping only %.0f ms after all stops"
                            + " were answered (%s)%n", i + 1, n, (System.nanoTime() - stopsDone) / 1e6,
                            s.stopping() ? "then it did" : "and never did");
                }
                if (!Proc.alive(pids.get(i)) || !s.running() || !s.stopping()) {
                    throw new IllegalStateException("stop-latency: after the stop the session should be running and"
                            + " stopping: " + Json.write(s.toJson()));
                }
            }
            if (late > 0) {
                System.err.printf("  stop-latency: %d of %d stops took effect late%n", late, n);
            }
            return ms;
        } finally {
            for (String id : ids) {
                try {
                    sessions.kill(id);
                } catch (RuntimeException e) {
                    // exited already
                }
            }
            for (String id : ids) {
                sessions.await(id, Duration.ofSeconds(10));
                sessions.remove(id);
            }
        }
    }

    /** Waits until the shell ignores SIGTERM (its trap ran), so a stop cannot end it. */
    private static void awaitIgnoringTerm(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((Proc.statusMask(pid, "SigIgn") & TERM_BIT) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stop-latency: process " + pid + " does not ignore SIGTERM after 10 s");
            }
            Thread.sleep(5);
        }
    }
}
