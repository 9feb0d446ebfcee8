package io.steward.bench;

import io.steward.api.Overflow;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;
import io.steward.core.Ring;

/**
 * A child writes BYTES zero bytes to stdout ({@code head -c BYTES /dev/zero}); the caller's thread
 * reads them through the stdout ring under backpressure. Warm-up runs of WARMUP_BYTES come first
 * (the JIT matters here), then RUNS rounds, each a timed steward run followed by a timed run of the
 * shell pipeline {@code head -c BYTES /dev/zero | cat | cat >/dev/null}, so that the two subjects
 * see the same machine conditions. Every run prints its own line.
 *
 * <p>A run in which no byte arrives for {@link #STALL_SECONDS} while the child still runs has
 * stalled: that is a runtime bug, and the benchmark fails with the ring's state.
 */
final class ThroughputBench {
    static final int STALL_SECONDS = 3;

    private ThroughputBench() {}

    static void run(long bytes, long warmupBytes, int warmupRuns, int runs) throws Exception {
        try (ProcessRuntime rt = ProcessRuntime.create()) {
            for (int i = 0; i < warmupRuns; i++) {
                timed(rt, warmupBytes);
            }
            for (int i = 0; i < runs; i++) {
                System.out.printf("steward %.0f bytes/s%n", bytes / (timed(rt, bytes) / 1e9));
                System.out.printf("cat-cat %.0f bytes/s%n", bytes / (catCat(bytes) / 1e9));
            }
        }
    }

    /** Nanoseconds of one run of the shell pipeline, started from here (sh's start-up is in the time). */
    static long catCat(long bytes) throws Exception {
        long t0 = System.nanoTime();
        int code = new ProcessBuilder("sh", "-c", "head -c " + bytes + " /dev/zero | cat | cat >/dev/null")
                .inheritIO().start().waitFor();
        long nanos = System.nanoTime() - t0;
        if (code != 0) {
            throw new IllegalStateException("throughput: cat-cat pipeline exited with " + code);
        }
        return nanos;
    }

    /** Nanoseconds of one complete transfer of {@code bytes}. */
    private static long timed(ProcessRuntime rt, long bytes) throws Exception {
        long t0 = System.nanoTime();
        once(rt, bytes);
        return System.nanoTime() - t0;
    }

    /** Streams one child's output and checks every byte arrived. */
    private static void once(ProcessRuntime rt, long bytes) throws Exception {
        ManagedProcess p = rt.spawn(ProcessSpec.builder("head", "-c", Long.toString(bytes), "/dev/zero")
                .stdin(ProcessSpec.Stdin.NULL).overflow(Overflow.BACKPRESSURE).build());
        Ring.Consumer rd = p.stdout().consumer(0);
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        int idle = 0;
        int n;
        while ((n = rd.read(buf, 0, buf.length, 1000)) >= 0) {
            total += n;
            rd.release();
            idle = n > 0 ? 0 : idle + 1;
            if (idle == STALL_SECONDS && p.exitStatus().isEmpty()) {
                p.kill();
                throw new IllegalStateException(String.format("throughput: STALL, no output for %d s after %d of %d"
                        + " bytes while the child runs (ring start %d end %d)",
                        STALL_SECONDS, total, bytes, p.stdout().start(), p.stdout().end()));
            }
        }
        ExitStatus status = p.waitFor();
        if (total != bytes || status.code() != 0) {
            throw new IllegalStateException("throughput: read " + total + " of " + bytes + " bytes; head "
                    + status.describe());
        }
    }
}
