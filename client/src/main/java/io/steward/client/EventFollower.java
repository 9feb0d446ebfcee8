package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads an event stream (Server-Sent Events, one JSON object a {@code data} line, its sequence
 * number the SSE {@code id}) and hands each event to a handler. A followed stream that ends while a
 * daemon still holds the home's lock is the daemon being replaced: it is opened again with
 * {@code since} the last event handed on, so the caller sees every event once and none twice.
 * A stream that ends any other way (the handler stops, the query has an {@code until}, the lock is
 * free) ends as it came.
 */
final class EventFollower {
    private final UnixHttp http;
    private final String path;
    private final EventQuery query;
    private final Predicate<Map<String, Object>> handler;
    /** The sequence number of the last event handed on, or where the stream started. */
    private long last;
    /** The tries of the upgrade the stream is going through; null while a connection reads. */
    private UpgradeWait wait;

    /** How one connection's stream ended. */
    private enum End { STOPPED, EOF }

    EventFollower(UnixHttp http, String path, EventQuery query, Predicate<Map<String, Object>> handler, long start) {
        this.http = http;
        this.path = path;
        this.query = query;
        this.handler = handler;
        this.last = start;
    }

    void run() {
        InputStream in = open();
        while (true) {
            RuntimeException failure = null;
            try {
                if (read(in) == End.STOPPED) {
                    return;
                }
            } catch (Broken b) {
                failure = b.failure;
            } finally {
                closeQuietly(in);
            }
            if (query.until() >= 0 || !UpgradeWait.daemonHolds(http.lock())) {
                if (failure != null) {
                    throw failure;
                }
                return;
            }
            in = reopen(failure);
            if (in == null) {
                return;
            }
        }
    }

    /** The connection broke in the middle of the stream; {@code failure} is how it would be reported. */
    private static final class Broken extends Exception {
        final RuntimeException failure;

        Broken(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    /** The stream as asked; a daemon in the middle of its replacement is waited for as a reconnect would. */
    private InputStream open() {
        try {
            return http.stream(path + query.toQueryString());
        } catch (StewardException e) {
            if (!UpgradeWait.passing(e) || !UpgradeWait.daemonHolds(http.lock())) {
                throw e;
            }
            return reopen(e);
        }
    }

    /**
     * The stream again from the last event handed on, tried until it opens, the lock is let go
     * (null, or {@code failure} thrown: the end as it would have been) or {@link UpgradeWait#LIMIT_MS} ran out.
     */
    private InputStream reopen(RuntimeException failure) {
        if (wait == null) {
            wait = new UpgradeWait();
        }
        StewardException lastFailure = null;
        while (wait.pause()) {
            try {
                return http.stream(path + new EventQuery(last, query.until(), query.categories()).toQueryString());
            } catch (StewardException e) {
                if (!UpgradeWait.passing(e)) {
                    throw e;
                }
                lastFailure = e;
            }
            if (!UpgradeWait.daemonHolds(http.lock())) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
        }
        throw lastFailure != null ? lastFailure : new StewardException(ErrorCode.UPGRADING, "the daemon at " + http.socket()
                + " did not come back within " + UpgradeWait.LIMIT_MS / 1000 + "s");
    }

    /** Hands on the events of one connection until it ends or the handler stops. */
    private End read(InputStream in) throws Broken {
        String peer = UnixHttp.peer(http.socket());
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long id = -1;
        String line;
        while ((line = readLine(r)) != null) {
            wait = null; // this connection answered: a later end is a new window
            if (line.startsWith("id:")) {
                id = parseId(line.substring(3).strip());
            } else if (line.isEmpty()) {
                id = -1;
            } else if (line.startsWith("data:")) {
                if (id > 0 && id <= last) {
                    continue; // replayed after a reconnect, handed on already
                }
                if (!handler.test(StewardClient.json(line.substring(5).strip(), "an event's data as a JSON object", peer))) {
                    return End.STOPPED;
                }
                last = Math.max(last, id);
            }
        }
        return End.EOF;
    }

    private String readLine(BufferedReader r) throws Broken {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new Broken(new DaemonUnreachableException(http.socket(), e));
        } catch (ProtocolException e) {
            if (e.endedEarly()) {
                throw new Broken(e);
            }
            throw e;
        }
    }

    /** An SSE id as the daemon writes it, a sequence number; anything else counts as none. */
    private static long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the stream is over either way
        }
    }
}
