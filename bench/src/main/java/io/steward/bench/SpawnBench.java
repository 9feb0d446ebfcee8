package io.steward.bench;

import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;

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
        long t0 = System.nanoTime();
        loop(subject, count, spawn);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %.0f spawns/s%n", subject, count / seconds);
    }

    private static void loop(String subject, long n, Spawn spawn) throws Exception {
        for (long i = 0; i < n; i++) {
            int code = spawn.once();
            if (code != 0) {
                throw new IllegalStateException(subject + ": /bin/true exited with " + code);
            }
        }
    }
}
