package io.steward.client;

import io.steward.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One client attached to a session over the daemon's WebSocket: input and control go out from any
 * thread, events come in through {@link #next()} on one thread. Close it to let go without a detach.
 */
public final class Attachment implements AutoCloseable {
    private final WebSocketConnection connection;

    private Attachment(WebSocketConnection connection) {
        this.connection = connection;
    }

    /**
     * Attaches to a session by id, unique id prefix or name.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     * @throws io.steward.api.StewardException with the daemon's code when refused, e.g. {@code not-found}
     *     or {@code already-attached}
     */
    static Attachment open(Path socket, Path lock, String ref, AttachOptions options) {
        String path = StewardClient.sessionPath(ref) + "/attach" + options.query();
        return new Attachment(WebSocketConnection.open(socket, lock, path));
    }

    /** Sends input to the session's stdin (a read-only attachment's input is discarded by the daemon). */
    public void send(byte[] input) throws IOException {
        connection.sendBinary(input);
    }

    public void send(byte[] input, int offset, int length) throws IOException {
        send(Arrays.copyOfRange(input, offset, offset + length));
    }

    /** Sets the session's terminal size. */
    public void resize(int rows, int cols) throws IOException {
        connection.sendText(Json.write(Json.object("type", "resize", "rows", rows, "cols", cols)));
    }

    /** Asks the daemon to let go; {@link #next()} then returns the remaining output and a {@link AttachEvent.Closed}. */
    public void detach() throws IOException {
        connection.sendText(Json.write(Json.object("type", "detach")));
    }

    /** Blocks for the next event; after {@link AttachEvent.Closed}, returns it again. */
    public AttachEvent next() {
        while (true) {
            switch (connection.receive()) {
                case WebSocketConnection.Message.Binary b -> {
                    if (b.bytes().length > 0) {
                        return new AttachEvent.Output(b.bytes()[0], Arrays.copyOfRange(b.bytes(), 1, b.bytes().length));
                    }
                }
                case WebSocketConnection.Message.Text t -> {
                    return AttachEvent.fromJson(Json.parseObject(t.text()));
                }
                case WebSocketConnection.Message.Closed c -> {
                    return new AttachEvent.Closed(c.code(), c.reason());
                }
            }
        }
    }

    /** Drops the connection at once (no detach message): the daemon sees the client go away. */
    @Override
    public void close() {
        connection.close();
    }
}
