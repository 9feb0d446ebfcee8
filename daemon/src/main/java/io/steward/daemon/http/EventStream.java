package io.steward.daemon.http;

import io.steward.daemon.session.Events;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/events}: Server-Sent Events, one JSON event per message with its sequence number
 * as the SSE id. {@code ?since=N} (or a {@code Last-Event-ID} header) first replays the kept events
 * after N, so a client that reconnects, or connects after a restart, misses nothing still kept. A comment line every 15 s keeps idle streams alive and is how a vanished client
 * is noticed (a write is the only way to learn the peer is gone).
 */
final class EventStream {
    static final long HEARTBEAT_SECONDS = 15;

    private EventStream() {}

    /**
     * Where a stream starts: after {@code since}, else after {@code Last-Event-ID}, else at the next
     * event (-1). Either must be an integer of 0 or more: a bad one is refused before the stream
     * opens, not taken as "from now", which would silently skip what the client asked to replay.
     */
    static long since(Query query, Request request) {
        long since = query.nonNegative("since", -1);
        return since >= 0 ? since : Query.nonNegative("Last-Event-ID", request.getHeaders().get("Last-Event-ID"), -1);
    }

    static void serve(Events events, long since, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        try (Events.Subscription sub = events.subscribe(since)) {
            write(response, false, ": steward events\n\n");
            while (true) {
                Events.Published e = sub.next(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    write(response, false, ":\n\n");
                } else {
                    write(response, false, "id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + e.json() + "\n\n");
                }
            }
        } catch (Exception gone) {
            callback.failed(gone);
        }
    }

    private static void write(Response response, boolean last, String text) throws Exception {
        Callback.Completable done = new Callback.Completable();
        response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), done);
        done.get();
    }
}
