package io.steward.daemon.beats;

import io.steward.api.HeartbeatEvent;
import io.steward.daemon.session.Events;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes per-datagram problems (decode errors, forged pids, conflicts) as events without letting
 * a flood of bad datagrams flood the event stream: at most one event of a type per second, the next
 * one saying how many were held back meanwhile. The counters in {@code /metrics} see every one.
 * Used by the heartbeat thread only.
 */
final class EventGate {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final Events events;
    private final Map<String, long[]> last = new HashMap<>();

    EventGate(Events events) {
        this.events = events;
    }

    /** An event of a gated type, told how many of its type were held back before it. */
    @FunctionalInterface
    interface Gated {
        HeartbeatEvent event(long seq, Instant at, long suppressed);
    }

    /** Whether an event of {@code type} may go out now; if not, it is counted as suppressed. */
    boolean open(String type, long now) {
        long[] state = last.computeIfAbsent(type, t -> new long[] {now - INTERVAL, 0});
        if (now - state[0] < INTERVAL) {
            state[1]++;
            return false;
        }
        return true;
    }

    /** Publishes an event of {@code type} (call only after {@link #open} said yes) with the suppressed count. */
    void publish(String type, long now, Gated event) {
        long[] state = last.get(type);
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        events.publish((seq, at) -> event.event(seq, at, suppressed));
    }
}
