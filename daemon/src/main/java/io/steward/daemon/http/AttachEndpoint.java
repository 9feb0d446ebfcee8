package io.steward.daemon.http;

import io.steward.api.AttachMessage;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import io.steward.api.StewardException;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.StdinSink;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.JsonBody;
import io.steward.daemon.session.Session;
import io.steward.daemon.supervision.Sessions;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One attached client over WebSocket. Output goes out as binary frames whose first byte tags the
 * stream (0 pty, 1 stdout, 2 stderr); input comes in as binary frames; control travels as JSON
 * text frames (client: resize, detach; server: hello, dropped, stolen, restarted, exit).
 *
 * <p>An attachment follows its session, not one process: when the session restarts its process
 * (by policy or to recover a stall), the client is told {@code restarted} and the stream goes on
 * from the same cursors into the same rings; {@code exit} comes once the session ends for good.
 *
 * <p>Each output stream has its {@link AttachPump}. A slow client never blocks the session nor
 * grows memory: at most {@link #IN_FLIGHT} frames are unacknowledged, the pump otherwise waits, and
 * the ring goes on without it; bytes the ring overwrote before the client got them are reported in
 * a {@code dropped} message, then the stream continues from what the ring still holds.
 */
public final class AttachEndpoint implements org.eclipse.jetty.websocket.api.Session.Listener, Session.Attachment {
    static final int FRAME_BYTES = 64 * 1024;
    static final int IN_FLIGHT = 16;
    /** The fields of a client's control message: {@code {"type":"resize","rows":R,"cols":C}} or {@code {"type":"detach"}}. */
    private static final java.util.Set<String> CONTROL = java.util.Set.of("type", "rows", "cols");

    private final Sessions sessions;
    private final Session session;
    private final Caller caller;
    private final boolean steal;
    private final boolean readOnly;
    private final long stdoutCursor;
    private final long stderrCursor;
    private final Metrics metrics;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final AtomicInteger pumpsRunning = new AtomicInteger();
    /** What this client's pumps see of it. */
    private final AttachPump.Client asClient = new AttachPump.Client() {
        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void failed() {
            closed = true;
        }

        @Override
        public org.eclipse.jetty.websocket.api.Session socket() {
            return ws;
        }

        @Override
        public void text(AttachMessage message) {
            AttachEndpoint.this.text(message);
        }
    };
    private volatile org.eclipse.jetty.websocket.api.Session ws;
    private volatile boolean closed;
    /** The process being streamed; a restart of the session puts its successor here. */
    private volatile ManagedProcess process;
    /** Where each stream's pump stopped when its process's output ended: where the next one goes on. */
    private volatile long stdoutAt;
    private volatile long stderrAt;

    AttachEndpoint(Sessions sessions, Session session, Caller caller, boolean steal, boolean readOnly, long stdoutCursor,
            long stderrCursor, Metrics metrics) {
        this.sessions = sessions;
        this.session = session;
        this.caller = caller;
        this.steal = steal;
        this.readOnly = readOnly;
        this.stdoutCursor = stdoutCursor;
        this.stderrCursor = stderrCursor;
        this.metrics = metrics;
    }

    @Override
    public void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session ws) {
        this.ws = ws;
        this.process = session.process();
        Session.Attachment evicted;
        try {
            evicted = session.attach(this, readOnly, steal);
        } catch (StewardException e) {
            sessions.audit().record(caller, "attach", session.auditTag(), e.code().wire());
            text(new AttachMessage.Error(e.code(), e.getMessage()));
            ws.close(4409, e.code().wire(), Callback.NOOP);
            ws.demand();
            return;
        }
        sessions.audit().record(caller, readOnly ? "attach-read-only" : steal ? "attach-steal" : "attach",
                session.auditTag(), "ok");
        if (evicted != null) {
            sessions.events().publish((seq, at) -> new SessionEvent.Stolen(seq, at, session.id(), session.name()));
        }
        // The pumps (a writer's ring consumers among them) exist before the hello: once a client has
        // it, nothing it asked for is freed before it had it.
        AttachPump[] streams = pumps(process, stdoutCursor, stderrCursor);
        text(new AttachMessage.Hello(session.id(), session.process().isPty() ? SessionInfo.Kind.PTY : SessionInfo.Kind.PIPE,
                readOnly, stdoutCursor, stderrCursor));
        start(streams);
        ws.demand();
    }

    /** A pump per output stream of {@code p}: its stdout (or terminal), then its stderr if apart. */
    private AttachPump[] pumps(ManagedProcess p, long outCursor, long errCursor) {
        AttachPump out = new AttachPump(p.stdout(), SessionOutput.first(p), outCursor, !readOnly, asClient, inFlight,
                metrics);
        return p.stderr().map(ring -> new AttachPump[] {out, new AttachPump(ring, StdStream.STDERR, errCursor,
                !readOnly, asClient, inFlight, metrics)}).orElse(new AttachPump[] {out});
    }

    private void start(AttachPump[] streams) {
        pumpsRunning.set(streams.length);
        for (int i = 0; i < streams.length; i++) {
            AttachPump pump = streams[i];
            boolean stderr = i == 1;
            Thread.ofVirtual().name("attach-pump").start(() -> pump(pump, stderr));
        }
    }

    private void pump(AttachPump pump, boolean stderr) {
        pump.run();
        if (stderr) {
            stderrAt = pump.position();
        } else {
            stdoutAt = pump.position();
        }
        if (pumpsRunning.decrementAndGet() == 0 && !closed) {
            finish();
        }
    }

    /**
     * Every byte of the process was sent. If the session starts it again, the stream goes on with
     * the successor; otherwise the client is told the exit and the connection closes.
     */
    private void finish() {
        ManagedProcess ended = process;
        session.successorOf(ended).thenAccept(next -> {
            if (closed) {
                return;
            }
            ExitStatus exit = ended.onExit().join();
            if (next != null) {
                process = next;
                text(new AttachMessage.Restarted(exit.exitCode(), exit.signalName(), exit.outcome(), next.pid(),
                        session.restarts()));
                // A restart takes over the rings: the stream goes on at the same offsets.
                start(pumps(next, stdoutAt, stderrAt));
                return;
            }
            text(new AttachMessage.Exit(exit.exitCode(), exit.signalName(), exit.outcome()));
            ws.close(1000, "exited", Callback.NOOP);
        });
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        callback.succeed();
        if (!readOnly && data.length > 0) {
            try {
                StdinSink sink = session.process().stdin().orElseThrow(
                        () -> new StewardException(ErrorCode.CLOSED, "session has no stdin"));
                // Frames arrive on the thread that selected them, which must never wait: a full
                // stdin queue is waited on by a virtual thread, and the next frame is asked for
                // only once it is in, so input keeps its order and its backpressure.
                if (!sink.tryOffer(data)) {
                    Thread.ofVirtual().name("attach-stdin").start(() -> writeThenDemand(sink, data));
                    return;
                }
                session.touch();
            } catch (StewardException e) {
                text(new AttachMessage.Error(e.code(), e.getMessage()));
            }
        }
        ws.demand();
    }

    private void writeThenDemand(StdinSink sink, byte[] data) {
        try {
            sink.write(data);
            session.touch();
        } catch (StewardException e) {
            text(new AttachMessage.Error(e.code(), e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            JsonBody m = JsonBody.of(Json.parseObject(message), CONTROL);
            String type = m.requiredString("type", "resize or detach");
            switch (type) {
                case "resize" -> {
                    long rows = m.requiredInteger("rows", 1, 10_000);
                    long cols = m.requiredInteger("cols", 1, 10_000);
                    if (!readOnly) {
                        sessions.resize(caller, session, rows, cols);
                    }
                }
                case "detach" -> {
                    closed = true;
                    ws.close(1000, "detached", Callback.NOOP);
                }
                default -> throw new StewardException(ErrorCode.INVALID_INPUT, "unknown control message '" + type + "'");
            }
        } catch (StewardException e) {
            text(new AttachMessage.Error(e.code(), e.getMessage()));
        }
        ws.demand();
    }

    @Override
    public void stolen() {
        text(new AttachMessage.Stolen());
        closed = true;
        ws.close(4001, "stolen", Callback.NOOP);
    }

    @Override
    public void upgrading() {
        closed = true;
        org.eclipse.jetty.websocket.api.Session s = ws;
        if (s != null) {
            s.close(1012, "upgrading", Callback.NOOP); // RFC 6455's "service restart": come back
        }
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        closed = true;
        session.detach(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed = true;
        session.detach(this);
    }

    private void text(AttachMessage message) {
        org.eclipse.jetty.websocket.api.Session s = ws;
        if (s != null && s.isOpen()) {
            s.sendText(Json.write(message.toJson()), Callback.NOOP);
        }
    }
}
