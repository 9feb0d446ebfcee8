package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Overflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverflowTest extends RuntimeTestBase {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void dropOldestKeepsPlusDropsEqualsProduced() throws Exception {
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("head", "-c", "64M", "/dev/zero")
                .ringBytes(MIB).overflow(Overflow.DROP_OLDEST).build());
        assertEquals(0, p.waitFor().code());
        Poll.until("end of output", () -> p.stdout().closed());
        Ring ring = p.stdout();
        assertEquals(64L * MIB, ring.end());
        assertEquals(MIB, ring.buffered());
        assertEquals(ring.end(), ring.buffered() + ring.dropped());
    }

    @Test
    void backpressureLosesNothingAndBlocksTheChild() throws Exception {
        byte[] data = new byte[64 * MIB];
        new Random(42).nextBytes(data);
        Path file = Files.write(dir.resolve("data"), data);
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("cat", file.toString())
                .ringBytes(MIB).overflow(Overflow.BACKPRESSURE).build());
        Ring ring = p.stdout();
        // Nobody reads: the ring fills, then the pipe, then cat sleeps in write.
        Poll.until("ring full", () -> ring.buffered() == MIB);
        // The kernel names the wait pipe_write (anon_pipe_write since 6.16).
        Poll.until("cat blocked in pipe_write", () -> wchan(p.pid()).endsWith("pipe_write"));
        assertEquals(MIB, ring.end());
        assertEquals(0, ring.dropped());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Ring.Consumer r = ring.consumer(0);
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = r.read(buf, 0, buf.length, 1000)) >= 0) {
            sha.update(buf, 0, n);
            total += n;
            r.release();
        }
        assertEquals(data.length, total);
        assertEquals(0, r.skipped());
        assertEquals(0, ring.dropped());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), sha.digest());
        assertEquals(0, p.waitFor().code());
    }

    private static String wchan(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "wchan")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void stdinRoundTripsThroughCat() throws Exception {
        byte[] data = new byte[4 * MIB];
        new Random(7).nextBytes(data);
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("cat").ringBytes(MIB).overflow(Overflow.BACKPRESSURE).build());
        StdinSink in = p.stdin().orElseThrow();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int off = 0; off < data.length; off += 100_000) {
                    in.write(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + 100_000)));
                }
                in.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Ring.Consumer r = p.stdout().consumer(0);
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = r.read(buf, 0, buf.length, 1000)) >= 0) {
            out.write(buf, 0, n);
            r.release();
        }
        writer.join();
        assertArrayEquals(data, out.toByteArray());
        assertEquals(0, p.waitFor().code());
        assertEquals(data.length, in.written());
        assertEquals(0, in.dropped());
        assertTrue(!in.isOpen());
    }

    @Test
    void inputIntoAnEmptyQueueIsWrittenBeforeTheCallReturns() throws Exception {
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("cat").build());
        StdinSink in = p.stdin().orElseThrow();
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] key = ("key " + i + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (i % 2 == 0) {
                in.write(key);
            } else {
                in.offer(key);
            }
            sent.writeBytes(key);
            // Nothing was queued ahead, so the caller's thread wrote it: no hand-off to the loop.
            assertEquals(0, in.queued(), "key " + i);
            assertEquals(sent.size(), in.written(), "key " + i);
        }
        in.close();
        assertArrayEquals(sent.toByteArray(), readAll(p.stdout()));
        assertEquals(0, p.waitFor().code());
    }

    @Test
    void stdinToAChildThatStoppedReadingIsCountedAsDropped() throws Exception {
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("sh", "-c", "exec 0<&-; sleep 30").build());
        StdinSink in = p.stdin().orElseThrow();
        Poll.until("stdin closed by child", () -> {
            try {
                in.offer(new byte[1000]);
            } catch (io.steward.api.StewardException e) {
                return true;
            }
            return false;
        });
        assertTrue(in.dropped() > 0);
        p.kill();
        p.waitFor();
    }
}
