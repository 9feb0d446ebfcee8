package io.steward.client;

import io.steward.api.AttachMessage;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One client attached to a session over the daemon's WebSocket: input and control go out from any
 * thread, events come in through {@link #next()} on one thread. Close it to let go without a detach.
 *
 * <p>The attachment outlives the daemon's in-place upgrade: when the connection closes with 1012
 * (service restart), or ends abruptly while a daemon still holds the home's lock, it attaches again
 * to the same session from the cursors it reached, for up to {@link UpgradeWait#LIMIT_MS}. The caller
 * sees the output go on with no gap, no repeat and no second hello; input and a resize given
 * meanwhile are sent once it is back, in order.
 */
public final class Attachment implements AutoCloseable {
    /** The close status of a daemon that is being replaced (RFC 6455: service restart). */
    static final int SERVICE_RESTART = 1012;

    private final Path socket;
    private final Path lock;
    private final AttachOptions options;
    private final AttachCursors cursors;
    /** The session as first named, then its id from the hello. */
    private volatile String session;
    private volatile WebSocketConnection connection;
    /** Guards the connection's replacement against the senders. */
    private final Object sending = new Object();
    /** Input given while the connection is being replaced, in order; guarded by {@link #sending}. */
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    /** Whether input is held rather than sent; guarded by {@link #sending}. */
    private boolean holding;
    private String lastResize; // guarded by sending
    private volatile boolean detachAsked;
    private volatile boolean closedByUs;
    /** An exit or a steal was received: the end that follows is the session's, not the daemon's. */
    private boolean ending;
    private final ArrayDeque<AttachEvent> queued = new ArrayDeque<>();
    private AttachEvent.Closed finished;

    private Attachment(Path socket, Path lock, String ref, AttachOptions options, WebSocketConnection connection) {
        this.socket = socket;
        this.lock = lock;
        this.session = ref;
        this.options = options;
        this.cursors = new AttachCursors(options.cursor(), options.stderrCursor());
        this.connection = connection;
    }

    /**
     * Attaches to a session by id, unique id prefix or name; a daemon in the middle of its upgrade is
     * waited for.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     * @throws io.steward.api.StewardException with the daemon's code when refused, e.g. {@code not-found}
     *     or {@code already-attached}
     */
    static Attachment open(Path socket, Path lock, String ref, AttachOptions options) {
        String path = StewardClient.sessionPath(ref) + "/attach" + options.query();
        UpgradeWait wait = new UpgradeWait();
        while (true) {
            try {
                return new Attachment(socket, lock, ref, options, WebSocketConnection.open(socket, lock, path));
            } catch (StewardException e) {
                if (!UpgradeWait.passing(e) || !UpgradeWait.daemonHolds(lock) || !wait.pause()) {
                    throw e;
                }
            }
        }
    }

    /** Sends input to the session's stdin (a read-only attachment's input is discarded by the daemon). */
    public void send(byte[] input) throws IOException {
        synchronized (sending) {
            if (finished != null) {
                throw new IOException("the attachment has ended");
            }
            if (!holding) {
                try {
                    connection.sendBinary(input);
                    return;
                } catch (IOException e) {
                    if (closedByUs || detachAsked) {
                        throw e;
                    }
                    holding = true; // the connection broke: next() learns why, and may attach again
                }
            }
            held.add(input.clone());
        }
    }

    public void send(byte[] input, int offset, int length) throws IOException {
        send(Arrays.copyOfRange(input, offset, offset + length));
    }

    /** Sets the session's terminal size; while the attachment is being re-made, once it is. */
    public void resize(int rows, int cols) throws IOException {
        String message = Json.write(Json.object("type", "resize", "rows", rows, "cols", cols));
        synchronized (sending) {
            lastResize = message;
            if (!holding) {
                try {
                    connection.sendText(message);
                } catch (IOException e) {
                    if (closedByUs || detachAsked || finished != null) {
                        throw e;
                    }
                    holding = true; // as for input: sent again once attached again
                }
            }
        }
    }

    /** Asks the daemon to let go; {@link #next()} then returns the remaining output and a {@link AttachEvent.Closed}. */
    public void detach() throws IOException {
        detachAsked = true;
        synchronized (sending) {
            if (!holding) {
                connection.sendText(Json.write(Json.object("type", "detach")));
            }
        }
    }

    /** Where output stands: the offset of the next byte of stdout (or the terminal). */
    public long stdoutCursor() {
        return cursors.stdout();
    }

    /** The offset of the next byte of stderr. */
    public long stderrCursor() {
        return cursors.stderr();
    }

    /** Blocks for the next event; after {@link AttachEvent.Closed}, returns it again. */
    public AttachEvent next() {
        while (true) {
            if (!queued.isEmpty()) {
                return queued.poll();
            }
            if (finished != null) {
                return finished;
            }
            switch (connection.receive()) {
                case WebSocketConnection.Message.Binary b -> {
                    if (b.bytes().length > 0) {
                        cursors.output(b.bytes()[0], b.bytes().length - 1);
                        return new AttachEvent.Output(b.bytes()[0], Arrays.copyOfRange(b.bytes(), 1, b.bytes().length));
                    }
                }
                case WebSocketConnection.Message.Text t -> {
                    AttachEvent e = AttachEvent.fromJson(Json.parseObject(t.text()));
                    track(e);
                    return e;
                }
                case WebSocketConnection.Message.Closed c -> {
                    if (!resumable(c) || !reattach()) {
                        // a detach asked while attaching again was as good as done: nothing was attached
                        return end(detachAsked && c.code() != WebSocketConnection.NORMAL
                                ? new AttachEvent.Closed(WebSocketConnection.NORMAL, "detached")
                                : new AttachEvent.Closed(c.code(), c.reason()));
                    }
                }
            }
        }
    }

    private void track(AttachEvent e) {
        switch (e) {
            case AttachEvent.Control(AttachMessage.Hello h) -> {
                cursors.hello(h);
                session = h.session();
            }
            case AttachEvent.Control(AttachMessage.Dropped d) -> cursors.dropped(d);
            case AttachEvent.Control(AttachMessage.Exit x) -> ending = true;
            case AttachEvent.Control(AttachMessage.Stolen s) -> ending = true;
            default -> { }
        }
    }

    /** Whether the connection's end is the daemon's replacement rather than the attachment's own end. */
    private boolean resumable(WebSocketConnection.Message.Closed c) {
        if (closedByUs || detachAsked || ending) {
            return false;
        }
        return c.code() == SERVICE_RESTART
                || c.code() == WebSocketConnection.ABNORMAL && UpgradeWait.daemonHolds(lock);
    }

    /**
     * Attaches again from the cursors reached, swallowing the new hello.
     *
     * @return true once attached; false to end (the daemon is gone, or we let go), with the daemon's
     *     refusal queued first when it refused
     */
    private boolean reattach() {
        synchronized (sending) {
            holding = true;
        }
        UpgradeWait wait = new UpgradeWait();
        while (!closedByUs && !detachAsked && wait.pause()) {
            WebSocketConnection next;
            try {
                next = WebSocketConnection.open(socket, lock,
                        StewardClient.sessionPath(session) + "/attach" + cursors.resume(options).query());
            } catch (StewardException e) {
                if (UpgradeWait.passing(e) && UpgradeWait.daemonHolds(lock)) {
                    continue;
                }
                if (!UpgradeWait.passing(e)) {
                    queued.add(new AttachEvent.Control(new AttachMessage.Error(e.code(), e.getMessage())));
                }
                return false;
            }
            switch (awaitHello(next)) {
                case AttachMessage.Hello h -> {
                    cursors.hello(h);
                    return adopt(next);
                }
                case AttachMessage.Error refused -> {
                    next.close();
                    queued.add(new AttachEvent.Control(refused));
                    return false;
                }
                case null -> {
                    if (!UpgradeWait.daemonHolds(lock)) {
                        return false;
                    }
                }
                default -> throw new IllegalStateException("awaitHello answers a hello, an error or null");
            }
        }
        return false;
    }

    /** The first message of a new connection: its hello, the daemon's refusal, or null when it closed first. */
    private static AttachMessage awaitHello(WebSocketConnection next) {
        while (true) {
            switch (next.receive()) {
                case WebSocketConnection.Message.Text t -> {
                    AttachMessage m = AttachMessage.fromJson(Json.parseObject(t.text()));
                    if (m instanceof AttachMessage.Hello || m instanceof AttachMessage.Error) {
                        return m;
                    }
                }
                case WebSocketConnection.Message.Binary b -> { } // the daemon sends the hello first
                case WebSocketConnection.Message.Closed c -> {
                    return null;
                }
            }
        }
    }

    /**
     * Makes {@code next} the connection: the last resize and the input held go out on it first, in
     * order. Input that fails to go stays held for the next connection.
     */
    private boolean adopt(WebSocketConnection next) {
        synchronized (sending) {
            connection = next;
            if (closedByUs) {
                next.close(); // close() ran on the connection just replaced
                return false;
            }
            try {
                if (lastResize != null) {
                    next.sendText(lastResize);
                }
                while (!held.isEmpty()) {
                    next.sendBinary(held.peek());
                    held.poll();
                }
                holding = false;
            } catch (IOException e) {
                // broken again at once: the receive that follows reports it, and the held input waits on
            }
            if (detachAsked && !holding) {
                try {
                    next.sendText(Json.write(Json.object("type", "detach")));
                } catch (IOException e) {
                    // the receive that follows reports the end
                }
            }
            return true;
        }
    }

    private AttachEvent end(AttachEvent.Closed c) {
        synchronized (sending) {
            finished = c;
            held.clear();
        }
        queued.add(c);
        return queued.poll();
    }

    /** Drops the connection at once (no detach message): the daemon sees the client go away. */
    @Override
    public void close() {
        closedByUs = true;
        connection.close();
    }
}
