package io.steward.daemon.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's event stream: lifecycle (started, exited, stolen, reaped), supervision and
 * recovery events, numbered in order. Each subscriber has a bounded queue; a subscriber that falls
 * behind loses the oldest events and is told how many with a {@code dropped} event, never silently.
 */
public final class Events {
    static final int QUEUE = 1024;

    /** One event: a sequence number, a type, a time and its fields. */
    public record Event(long seq, String type, Instant at, Map<String, Object> fields) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", seq);
            m.put("type", type);
            m.put("at", at.toString());
            m.putAll(fields);
            return m;
        }
    }

    /** Recent events kept for replay, so what happened before a client connected (recovery at start) can be read. */
    static final int HISTORY = 1000;

    private final AtomicLong seq = new AtomicLong();

    /** The sequence number of the latest event, 0 before the first. */
    public long lastSeq() {
        return seq.get();
    }
    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final java.util.ArrayDeque<Event> history = new java.util.ArrayDeque<>();

    public void publish(String type, Map<String, Object> fields) {
        Event e;
        synchronized (history) {
            e = new Event(seq.incrementAndGet(), type, Instant.now(), fields);
            history.addLast(e);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            for (Subscription s : subscribers) {
                s.offer(e);
            }
        }
    }

    /** A new subscriber; with {@code since} >= 0 it first gets the kept events numbered above it. */
    public Subscription subscribe(long since) {
        Subscription s = new Subscription();
        synchronized (history) {
            if (since >= 0) {
                for (Event e : history) {
                    if (e.seq() > since) {
                        s.offer(e);
                    }
                }
            }
            subscribers.add(s);
        }
        return s;
    }

    /** A subscriber's queue. Close it when the client goes. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicLong dropped = new AtomicLong();

        private synchronized void offer(Event e) {
            while (!queue.offer(e)) {
                queue.poll();
                dropped.incrementAndGet();
            }
        }

        /** The next event, a {@code dropped} notice if events were lost, or null after the timeout. */
        public Event next(long timeout, TimeUnit unit) throws InterruptedException {
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                return new Event(0, "dropped", Instant.now(), Map.of("events", lost));
            }
            return queue.poll(timeout, unit);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
