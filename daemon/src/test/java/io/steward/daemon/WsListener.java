package io.steward.daemon;

import io.steward.api.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One attach client as the tests see it: output by stream tag, control messages in order, and how
 * the connection ended. It demands frames one at a time; {@link #stall()} stops demanding, which
 * is what a client that reads nothing looks like to the daemon, and {@link #resume()} reads on.
 */
public class WsListener implements Session.Listener {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ByteArrayOutputStream[] output = {new ByteArrayOutputStream(), new ByteArrayOutputStream(),
            new ByteArrayOutputStream()};
    private final List<Map<String, Object>> texts = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private Session session;
    private boolean stalled;
    private boolean demandOwed;
    private boolean closed;
    private int closeStatus = -1;
    private String closeReason;
    private Throwable error;

    /** A listener that reads nothing from the start, not even the hello. */
    static WsListener stalledFromStart() {
        WsListener l = new WsListener();
        l.stalled = true;
        return l;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        synchronized (this) {
            this.session = session;
            log.add("open");
            notifyAll();
        }
        demandNext();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        synchronized (this) {
            if (!payload.hasRemaining()) {
                log.add("empty binary frame");
            } else {
                int tag = payload.get();
                byte[] data = new byte[payload.remaining()];
                payload.get(data);
                if (tag < 0 || tag > 2) {
                    log.add("bad tag " + tag);
                } else {
                    output[tag].writeBytes(data);
                }
            }
            notifyAll();
        }
        callback.succeed();
        demandNext();
    }

    @Override
    public void onWebSocketText(String message) {
        synchronized (this) {
            texts.add(Json.parseObject(message));
            log.add("text " + message);
            notifyAll();
        }
        demandNext();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        synchronized (this) {
            closed = true;
            closeStatus = statusCode;
            closeReason = reason;
            log.add("close " + statusCode + " " + reason);
            notifyAll();
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        synchronized (this) {
            error = cause;
            closed = true;
            log.add("error " + cause);
            notifyAll();
        }
    }

    private void demandNext() {
        Session s;
        synchronized (this) {
            if (stalled) {
                demandOwed = true;
                return;
            }
            s = session;
        }
        s.demand();
    }

    /** Stops reading: frames stay in the socket and the daemon's writes back up. */
    synchronized void stall() {
        stalled = true;
    }

    /** Reads on. */
    void resume() {
        Session s = null;
        synchronized (this) {
            stalled = false;
            if (demandOwed && session != null) {
                demandOwed = false;
                s = session;
            }
        }
        if (s != null) {
            s.demand();
        }
    }

    synchronized byte[] bytes(int tag) {
        return output[tag].toByteArray();
    }

    synchronized int size(int tag) {
        return output[tag].size();
    }

    String text(int tag) {
        return new String(bytes(tag), StandardCharsets.ISO_8859_1);
    }

    synchronized List<Map<String, Object>> texts() {
        return List.copyOf(texts);
    }

    synchronized List<Map<String, Object>> texts(String type) {
        return texts.stream().filter(m -> type.equals(m.get("type"))).toList();
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized int closeStatus() {
        return closeStatus;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    synchronized Throwable error() {
        return error;
    }

    synchronized Session session() {
        return session;
    }

    /** Sends a control message and waits until it is on the wire. */
    void sendText(Map<String, Object> message) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session().sendText(Json.write(message), done);
        done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Sends input and waits until it is on the wire. */
    void sendBinary(byte[] data) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session().sendBinary(ByteBuffer.wrap(data), done);
        done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The first control message of {@code type}, waiting for it. */
    Map<String, Object> awaitText(String type) {
        await("a '" + type + "' message", () -> texts.stream().anyMatch(m -> type.equals(m.get("type"))), false);
        return texts(type).getFirst();
    }

    /** Waits until the output of {@code tag} contains {@code needle}. */
    void awaitOutput(int tag, String needle) {
        await("'" + needle + "' on stream " + tag,
                () -> new String(output[tag].toByteArray(), StandardCharsets.ISO_8859_1).contains(needle), false);
    }

    /** Waits until the connection is closed; returns its close status. */
    int awaitClosed() {
        await("the close", () -> closed, true);
        return closeStatus();
    }

    /**
     * Waits, under this listener's monitor, until {@code condition} holds. Unless {@code closing},
     * a connection that closes first fails at once: nothing more can arrive.
     */
    synchronized void await(String what, BooleanSupplier condition, boolean closing) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (closed && !closing) {
                throw new AssertionError("connection closed before " + what + "; saw " + log);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; saw " + summary());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    synchronized String summary() {
        return log + " pty=" + output[0].size() + "B stdout=" + output[1].size() + "B stderr=" + output[2].size() + "B";
    }
}
