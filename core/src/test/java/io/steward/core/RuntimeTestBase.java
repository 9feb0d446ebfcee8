package io.steward.core;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh runtime per test; closing it kills every tree the test started. */
abstract class RuntimeTestBase {
    ProcessRuntime runtime;

    @BeforeEach
    void openRuntime() {
        runtime = ProcessRuntime.create();
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    ManagedProcess spawn(String... argv) {
        return runtime.spawn(ProcessSpec.builder(argv).build());
    }

    ManagedProcess sh(String script) {
        return spawn("sh", "-c", script);
    }

    /** Everything the ring will ever hold, once it closes. */
    static byte[] readAll(Ring ring) throws InterruptedException {
        Ring.Reader r = ring.reader(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int n;
        while ((n = r.read(buf, 0, buf.length, 100)) >= 0) {
            out.write(buf, 0, n);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream did not end");
            }
        }
        return out.toByteArray();
    }

    static String text(Ring ring) throws InterruptedException {
        return new String(readAll(ring), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static boolean alive(int pid, long startTicks) {
        return ProcStat.isAlive(pid, startTicks);
    }
}
