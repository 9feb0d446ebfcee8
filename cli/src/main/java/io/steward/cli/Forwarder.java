package io.steward.cli;

import io.steward.core.Ring;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Copies one output ring to one of our own descriptors, releasing what it wrote so a backpressure
 * ring lets the child go on. Ends when the ring closes and is drained.
 */
final class Forwarder {
    private final Thread thread;

    private Forwarder(Ring ring, OutputStream out, String name) {
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(() -> pump(ring, out));
    }

    static Forwarder toStdout(Ring ring) {
        return new Forwarder(ring, new FileOutputStream(FileDescriptor.out), "forward-stdout");
    }

    static Forwarder toStderr(Ring ring) {
        return new Forwarder(ring, new FileOutputStream(FileDescriptor.err), "forward-stderr");
    }

    private static void pump(Ring ring, OutputStream out) {
        Ring.Consumer reader = ring.consumer(0);
        byte[] buf = new byte[256 * 1024];
        try {
            int n;
            while ((n = reader.read(buf, 0, buf.length, 1000)) >= 0) {
                if (n > 0) {
                    out.write(buf, 0, n);
                    reader.release();
                }
            }
            out.flush();
        } catch (IOException e) {
            // Our own output is gone (a closed pipe): keep draining so the child is never blocked by us.
            reader.release();
            drain(reader, buf);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(Ring.Consumer reader, byte[] buf) {
        try {
            while (reader.read(buf, 0, buf.length, 1000) >= 0) {
                reader.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until everything was forwarded, at most {@code millis}. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }
}
