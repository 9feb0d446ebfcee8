package io.steward.bench;

import io.steward.api.Json;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The attached client of the attach-throughput benchmark: counts the payload of every binary
 * frame (the first byte is the stream tag and is not counted), notes when the first and the last
 * arrived, and keeps the control messages it needs to judge the run (exit, dropped). Public, as
 * Jetty requires of listeners. Frames arrive one at a time: demand comes after each.
 */
public final class AttachListener implements Session.Listener {
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch hello = new CountDownLatch(1);
    private volatile Session session;
    private volatile long payload;
    private volatile long frames;
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile long otherTags;
    private volatile long droppedReported;
    private volatile Map<String, Object> exit;
    private volatile String closeReason;
    private volatile Throwable error;

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        s.demand();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer buffer, Callback callback) {
        long now = System.nanoTime();
        int n = buffer.remaining();
        if (n > 0) {
            if (buffer.get(buffer.position()) != 1) {
                otherTags++;
            }
            if (firstNanos == 0) {
                firstNanos = now;
            }
            lastNanos = now;
            payload += n - 1;
            frames++;
        }
        callback.succeed();
        session.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        Map<String, Object> m = Json.parseObject(message);
        Object type = m.get("type");
        if ("hello".equals(type)) {
            hello.countDown();
        } else if ("exit".equals(type)) {
            exit = m;
        } else if ("dropped".equals(type)) {
            droppedReported += ((Number) m.get("bytes")).longValue();
        }
        session.demand();
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        closeReason = status + " " + reason;
        closed.countDown();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        error = cause;
        closed.countDown();
    }

    /** True once the daemon said hello: from then on, it keeps for this client every byte it asked for. */
    boolean awaitHello(long millis) throws InterruptedException {
        return hello.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean awaitClose(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
    }

    long payload() {
        return payload;
    }

    long frames() {
        return frames;
    }

    /** Nanoseconds from the first to the last binary frame. */
    long spanNanos() {
        return lastNanos - firstNanos;
    }

    long otherTags() {
        return otherTags;
    }

    long droppedReported() {
        return droppedReported;
    }

    Map<String, Object> exit() {
        return exit;
    }

    String closeReason() {
        return closeReason;
    }

    Throwable error() {
        return error;
    }
}
