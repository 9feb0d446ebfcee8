package io.steward.bench;

import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;
import java.lang.management.ManagementFactory;

/**
 * Sequential spawn and reap of /bin/true: a warm-up, then a timed run. Both subjects keep their
 * default stdout and stderr pipes; stdin is /dev/null for steward and a pipe for ProcessBuilder
 * (its default).
 */
final class SpawnBench {
    private SpawnBench() {}

    interface Spawn {
        int once() throws Exception;
    }

    static void steward(long warmup, long count) throws Exception {
        try (ProcessRuntime rt = ProcessRuntime.create()) {
            run("steward", warmup, count, () -> rt.spawn(
                    ProcessSpec.builder("/bin/true").stdin(ProcessSpec.Stdin.NULL).build()).waitFor().code());
        }
    }

    static void processBuilder(long warmup, long count) throws Exception {
        run("processbuilder", warmup, count, () -> new ProcessBuilder("/bin/true").start().waitFor());
    }

    private static void run(String subject, long warmup, long count, Spawn spawn) throws Exception {
        loop(subject, warmup, spawn);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        loop(subject, count, spawn);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / count;
        System.out.printf("%s %.0f spawns/s%n", subject, count / seconds);
        // The overhead a runtime adds is its own CPU per spawn; the rate also holds the kernel's
        // exec and the child's run, which differ from machine to machine.
        System.out.printf("%s-cpu %.1f us/spawn%n", subject, cpuMicros);
    }

    /** CPU time of this JVM, all its threads, without its reaped children. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Spawns n times in batches. A loop of a few ten thousand slow iterations, entered twice, never
     * gets the JIT's on-stack replacement and would run interpreted to the end; a batch method
     * called thousands of times is compiled like the caller of a real program's spawns.
     */
    private static void loop(String subject, long n, Spawn spawn) throws Exception {
        long done = 0;
        while (done < n) {
            int batch = (int) Math.min(BATCH, n - done);
            batch(subject, batch, spawn);
            done += batch;
        }
    }

    private static final int BATCH = 10;

    private static void batch(String subject, int n, Spawn spawn) throws Exception {
        for (int i = 0; i < n; i++) {
            int code = spawn.once();
            if (code != 0) {
                throw new IllegalStateException(subject + ": /bin/true exited with " + code);
            }
        }
    }
}
