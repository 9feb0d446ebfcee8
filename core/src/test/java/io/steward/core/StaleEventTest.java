package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Overflow;
import io.steward.sys.Epoll;
import io.steward.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Any thread may register an fd while the loop dispatches a batch, so a handler can be handed a
 * stale event of an earlier fd with the same number. A fresh pipe must survive such an event: once,
 * a stale hang-up was taken for EOF and closed a new child's pipe unread (seen as
 * {@code epoll_ctl(ADD): EBADF} in a spawn loop, or lost output).
 */
class StaleEventTest extends RuntimeTestBase {

    @Test
    void aStaleHangUpLeavesAFreshOutputPipeOpenAndReading() throws Exception {
        int[] p = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        Ring ring = new Ring(64 * 1024, Overflow.DROP_OLDEST);
        Channel c = new Channel(runtime.loop(), p[0], ring, null, false);
        try (Arena arena = Arena.ofConfined()) {
            c.start();
            assertTrue(c.adopt(), "the channel is on the loop");
            try {
                c.serveAdopted(Epoll.HUP, arena.allocate(64 * 1024));
            } finally {
                c.release();
            }
            assertTrue(c.isOpen(), "a hang-up the pipe does not report ends nothing");
            assertFalse(ring.closed());
            MemorySegment hi = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'h', (byte) 'i');
            Libc.write(p[1], hi, 2);
            Libc.close(p[1]);
            assertTrue(ring.await(1, 5, TimeUnit.SECONDS), "the bytes written after it arrive");
            assertArrayEquals(new byte[] {'h', 'i'}, readAll(ring));
        }
    }

    @Test
    void aStaleErrorLeavesAFreshStdinPipeOpenAndWriting() throws Exception {
        int[] p = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        StdinSink sink = new StdinSink(StdinSink.DEFAULT_LIMIT, () -> { });
        Channel c = new Channel(runtime.loop(), p[1], null, sink, false);
        try (Arena arena = Arena.ofConfined()) {
            c.start(); // nothing queued: not in the loop's set, so this thread may hand it the event
            c.ready(Epoll.ERR);
            assertTrue(c.isOpen(), "an error the pipe does not report ends nothing");
            MemorySegment buf = arena.allocate(16);
            Libc.check("write", (int) Libc.write(p[1], arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'x'), 1));
            assertTrue(Libc.read(p[0], buf, 16) == 1, "the pipe still takes bytes");
        } finally {
            runtime.loop().execute(c::shutdown);
            Libc.close(p[0]);
        }
    }
}
