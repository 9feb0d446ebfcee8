package io.steward.daemon.http;

import io.steward.api.AttachMessage;
import io.steward.api.StdStream;
import io.steward.core.Ring;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One output stream of one attached client: ring → WebSocket binary frames, tagged with the stream.
 *
 * <p>A pump thread of its own ({@link #run}) reads and sends, at most {@link AttachEndpoint#IN_FLIGHT}
 * frames ahead of the client (the permits are the client's, shared by its streams). While it waits
 * for bytes, a few bytes appended to the ring (a keystroke's echo) are sent by the ring's writer,
 * the I/O loop, there and then ({@link #appended}): the send is non-blocking, and the echo reaches
 * the socket without waking and scheduling the pump. More than {@link #INLINE_BYTES}, no free
 * permit, or the pump busy, and the writer only wakes the pump, as the ring would. Whoever sends
 * holds {@link #sending}, so frames keep their order and the reader has one user at a time.
 */
final class AttachPump implements Runnable {
    /** The most the ring's writer sends itself; bulk output is the pump's, off the loop. */
    static final int INLINE_BYTES = 4096;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** What a pump needs of its client. */
    interface Client {
        boolean closed();

        /** The connection failed under a send: the client is gone. */
        void failed();

        org.eclipse.jetty.websocket.api.Session socket();

        /** Sends a control message. */
        void text(AttachMessage message);
    }

    private final Ring ring;
    /** The first byte of each binary frame, which says the stream: 0 a terminal, 1 stdout, 2 stderr. */
    private final byte tag;
    private final StdStream stream;
    private final Client client;
    private final Semaphore inFlight;
    private final Metrics metrics;
    /** Null for a read-only client, which never holds a backpressure ring back. */
    private final Ring.Consumer consumer;
    private final Ring.Reader reader;
    /** Direct buffers of this pump's own, handed back once Jetty has written them. */
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(AttachEndpoint.IN_FLIGHT);
    private final ReentrantLock sending = new ReentrantLock();
    private final Runnable listener = this::appended;
    /** The pump thread while it is parked for bytes, else null. */
    private volatile Thread waiting;
    /** Where the next byte to send is (the reader's position, published for the writer's check). */
    private volatile long next;
    private long reported;

    AttachPump(Ring ring, StdStream stream, long cursor, boolean holdsRing, Client client, Semaphore inFlight,
            Metrics metrics) {
        this.ring = ring;
        this.tag = tag(stream);
        this.stream = stream;
        this.client = client;
        this.inFlight = inFlight;
        this.metrics = metrics;
        // Under backpressure a writing client is a consumer: the ring keeps what it has not sent.
        this.consumer = holdsRing ? ring.consumer(cursor) : null;
        this.reader = consumer != null ? consumer : ring.reader(Math.max(cursor, ring.start()));
        this.next = reader.position();
    }

    static byte tag(StdStream stream) {
        return switch (stream) {
            case PTY -> 0;
            case STDOUT -> 1;
            case STDERR -> 2;
        };
    }

    /** Streams until the ring ends (every byte sent) or the client goes; then the position reached. */
    @Override
    public void run() {
        ring.listen(listener);
        try {
            while (!client.closed()) {
                inFlight.acquire(); // a slow client holds its pump here, never the ring
                int n;
                sending.lock();
                try {
                    n = sendAvailable();
                } finally {
                    sending.unlock();
                }
                if (n <= 0) {
                    inFlight.release();
                }
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    awaitBytes();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ring.unlisten(listener);
            if (consumer != null) {
                consumer.close();
            }
        }
    }

    /** Where this stream stopped: where a successor's pump goes on. */
    long position() {
        sending.lock();
        try {
            return reader.position();
        } finally {
            sending.unlock();
        }
    }

    private void awaitBytes() {
        Thread me = Thread.currentThread();
        waiting = me;
        try {
            // Published before the check: an append after it sees us, and sends or unparks us.
            if (ring.end() <= next && !ring.closed() && !client.closed()) {
                LockSupport.parkNanos(this, IDLE_NANOS);
            }
        } finally {
            waiting = null;
        }
    }

    /** After an append or the close, on the ring's writer thread: sends a few bytes now, or wakes the pump. */
    private void appended() {
        Thread pump = waiting;
        if (pump == null) {
            return; // busy: it reads on by itself
        }
        try {
            if (sendInline()) {
                return;
            }
        } catch (RuntimeException e) {
            client.failed();
        }
        LockSupport.unpark(pump);
    }

    /** True when what the ring holds for us went out here, so the pump may sleep on. */
    private boolean sendInline() {
        if (ring.closed() || ring.end() - next > INLINE_BYTES || client.closed() || !sending.tryLock()) {
            return false;
        }
        try {
            if (!inFlight.tryAcquire()) {
                return false;
            }
            int n;
            try {
                n = sendAvailable();
            } catch (InterruptedException e) {
                n = 0; // not ours to keep: the loop is never interrupted
            }
            if (n <= 0) {
                inFlight.release();
                return false;
            }
            return ring.end() <= next;
        } finally {
            sending.unlock();
        }
    }

    /**
     * Sends one frame of what is available, without waiting; under {@link #sending}, with a permit
     * that a sent frame keeps until Jetty has written it.
     *
     * @return bytes sent; 0 when there are none yet; -1 once the ring closed and everything was sent
     */
    private int sendAvailable() throws InterruptedException {
        ByteBuffer frame = free.poll();
        if (frame == null) {
            frame = ByteBuffer.allocateDirect(AttachEndpoint.FRAME_BYTES);
        }
        int n = reader.read(frame, 1, AttachEndpoint.FRAME_BYTES - 1, 0);
        if (reader.skipped() > reported) {
            long missed = reader.skipped() - reported;
            reported = reader.skipped();
            metrics.attachDropped(missed);
            client.text(new AttachMessage.Dropped(stream, missed, reader.position() - Math.max(n, 0)));
        }
        next = reader.position();
        if (n <= 0 || client.closed()) {
            free.offer(frame.clear());
            return Math.min(n, 0);
        }
        ByteBuffer out = frame.put(0, tag).limit(n + 1).position(0);
        client.socket().sendBinary(out, Callback.from(() -> {
            free.offer(out.clear());
            inFlight.release();
        }, failure -> {
            inFlight.release();
            client.failed();
        }));
        if (consumer != null) {
            consumer.release();
        }
        return n;
    }
}
