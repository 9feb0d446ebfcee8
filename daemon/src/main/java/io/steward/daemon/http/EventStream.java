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

    /**
     * The categories asked for ({@code ?category=process,network}), or null for all; one the stream
     * does not have is refused, so a typo never reads as a quiet stream.
     */
    static java.util.Set<String> categories(Query query) {
        String asked = query.string("category");
        if (asked == null) {
            return null;
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String c : asked.split(",", -1)) {
            if (!io.steward.api.Event.CATEGORIES.contains(c)) {
                throw new io.steward.api.StewardException(io.steward.api.ErrorCode.INVALID_INPUT, "category: expected "
                        + String.join(", ", io.steward.api.Event.CATEGORIES) + ", not '" + c + "'");
            }
            out.add(c);
        }
        return out;
    }

    /**
     * Streams the events {@code filter} accepts. With {@code until} >= 0 the stream ends once the
     * events up to that number have been sent (what a reader of "everything so far" asks, whose
     * last event may not be one the filter lets through); -1 streams until the client goes.
     */
    static void serve(Events events, long since, long until, Events.Filter filter, Response response,
            Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        try (Events.Subscription sub = events.subscribe(since, filter)) {
            write(response, until >= 0 && events.lastSeq() <= since, ": steward events\n\n");
            if (until >= 0 && events.lastSeq() <= since) {
                callback.succeeded();
                return;
            }
            while (true) {
                Events.Published e = sub.next(until >= 0 ? 0 : HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                if (e == null && until >= 0) {
                    // The replay is all queued at subscription: an empty queue means it was all sent.
                    write(response, true, ":\n\n");
                    callback.succeeded();
                    return;
                }
                if (e == Events.END) {
                    write(response, true, ":\n\n");
                    callback.succeeded();
                    return;
                }
                if (e == null) {
                    write(response, false, ":\n\n");
                } else if (until >= 0 && e.seq() > until) {
                    write(response, true, ":\n\n");
                    callback.succeeded();
                    return;
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
