package io.steward.daemon.session;

import io.steward.api.DaemonEvent;
import io.steward.api.Event;
import io.steward.api.Json;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's event stream: lifecycle (started, exited, stolen, reaped), supervision and
 * recovery events, numbered in order, each one of the api's {@link Event} records. Each subscriber
 * has a bounded queue; a subscriber that falls behind loses the oldest events and is told how many
 * with a {@code dropped} event, never silently.
 */
public final class Events {
    static final int QUEUE = 1024;

    /** An event to publish, made once the stream has given it its place and time. */
    @FunctionalInterface
    public interface Draft {
        Event event(long seq, Instant at);
    }

    /**
     * An event as published: its record, and its JSON, written when a subscriber first sends it and
     * kept for the others (so a publisher, the I/O loop among them, never writes JSON, nor does
     * anyone while nobody listens).
     */
    public static final class Published {
        private final Event event;
        private volatile String json;

        Published(Event event) {
            this.event = event;
        }

        public Event event() {
            return event;
        }

        public long seq() {
            return event.seq();
        }

        public String type() {
            return event.type();
        }

        /** The event's JSON; two subscribers that ask at once may both write it, the same text. */
        public String json() {
            String j = json;
            if (j == null) {
                j = Json.write(event.toJson());
                json = j;
            }
            return j;
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /** Recent events kept for replay, so what happened before a client connected (recovery at start) can be read. */
    static final int HISTORY = 1000;

    private final AtomicLong seq = new AtomicLong();
    /** Guarded by {@code history}. */
    private boolean frozen;

    /** The sequence number of the latest event, 0 before the first. */
    public long lastSeq() {
        return seq.get();
    }
    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Published> history = new ArrayDeque<>();
    /** Observed events (process, file, network) are kept apart: a busy tree must not push a session's life out of the replay. */
    private final ArrayDeque<Published> observedHistory = new ArrayDeque<>();

    /**
     * Which events a subscriber wants.
     *
     * @param categories the categories wanted, or null for all
     * @param session the id of the one session whose events are wanted, or null for all
     */
    public record Filter(java.util.Set<String> categories, String session) {
        public static final Filter ALL = new Filter(null, null);

        boolean accepts(Event e) {
            if (categories != null && !categories.contains(e.category())) {
                return false;
            }
            return session == null || session.equals(sessionOf(e));
        }

        private static String sessionOf(Event e) {
            return switch (e) {
                case io.steward.api.SessionEvent s -> s.session();
                case io.steward.api.ObservedEvent o -> o.session();
                default -> e.toJson().get("session") instanceof String id ? id : null;
            };
        }
    }

    /**
     * Holds every publisher (they wait) while a hand-over writes the stream down: no event gets a
     * number the next daemon would give again. {@link #thaw} lets them go on (the hand-over failed).
     */
    public void freeze() {
        synchronized (history) {
            frozen = true;
        }
    }

    public void thaw() {
        synchronized (history) {
            frozen = false;
            history.notifyAll();
        }
    }

    /** The last number and the kept events, as JSON, for a daemon that takes over; {@link #freeze} first. */
    public void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        synchronized (history) {
            out.writeLong(seq.get());
            for (ArrayDeque<Published> kept : List.of(history, observedHistory)) {
                out.writeInt(kept.size());
                for (Published p : kept) {
                    io.steward.core.Handover.writeString(out, p.json());
                }
            }
        }
    }

    /** Takes what {@link #handOver} wrote: numbering goes on, and a replay still has what it had. */
    public void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        synchronized (history) {
            seq.set(in.readLong());
            for (ArrayDeque<Published> kept : List.of(history, observedHistory)) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    kept.addLast(new Published(io.steward.api.Event.fromJson(
                            io.steward.api.Json.parseObject(io.steward.core.Handover.readString(in)))));
                }
            }
        }
    }

    public void publish(Draft draft) {
        synchronized (history) {
            while (frozen) {
                try {
                    history.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // the daemon is going: an event nobody may number is not published
                }
            }
            Published e = new Published(draft.event(seq.incrementAndGet(), Instant.now()));
            ArrayDeque<Published> kept = e.event() instanceof io.steward.api.ObservedEvent ? observedHistory : history;
            kept.addLast(e);
            if (kept.size() > HISTORY) {
                kept.removeFirst();
            }
            for (Subscription s : subscribers) {
                if (s.filter.accepts(e.event())) {
                    s.offer(e);
                }
            }
        }
    }

    /** A new subscriber to every event; with {@code since} >= 0 it first gets the kept events numbered above it. */
    public Subscription subscribe(long since) {
        return subscribe(since, Filter.ALL);
    }

    /** A new subscriber to the events {@code filter} accepts, the kept ones above {@code since} first. */
    public Subscription subscribe(long since, Filter filter) {
        Subscription s = new Subscription(filter);
        synchronized (history) {
            if (since >= 0) {
                java.util.Iterator<Published> a = history.iterator();
                java.util.Iterator<Published> b = observedHistory.iterator();
                Published x = a.hasNext() ? a.next() : null;
                Published y = b.hasNext() ? b.next() : null;
                // Both are in seq order: merge them.
                while (x != null || y != null) {
                    Published e;
                    if (y == null || (x != null && x.seq() < y.seq())) {
                        e = x;
                        x = a.hasNext() ? a.next() : null;
                    } else {
                        e = y;
                        y = b.hasNext() ? b.next() : null;
                    }
                    if (e.seq() > since && filter.accepts(e.event())) {
                        s.offer(e);
                    }
                }
            }
            subscribers.add(s);
        }
        return s;
    }

    /** What a subscriber gets last when the daemon is handed over: its stream ends, and its client resumes. */
    public static final Published END = new Published(null);

    /** Ends every subscriber's stream ({@link #END}): the daemon is being replaced, and they resume from the next one. */
    public void endStreams() {
        for (Subscription s : subscribers) {
            s.offer(END);
        }
    }

    /** A subscriber's queue. Close it when the client goes. */
    public final class Subscription implements AutoCloseable {
        private final Filter filter;
        private final BlockingQueue<Published> queue = new ArrayBlockingQueue<>(QUEUE);

        private Subscription(Filter filter) {
            this.filter = filter;
        }
        private final AtomicLong dropped = new AtomicLong();

        private synchronized void offer(Published e) {
            while (!queue.offer(e)) {
                queue.poll();
                dropped.incrementAndGet();
            }
        }

        /** The next event, a {@code dropped} notice if events were lost, or null after the timeout. */
        public Published next(long timeout, TimeUnit unit) throws InterruptedException {
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                return new Published(new DaemonEvent.Dropped(0, Instant.now(), lost));
            }
            return queue.poll(timeout, unit);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
