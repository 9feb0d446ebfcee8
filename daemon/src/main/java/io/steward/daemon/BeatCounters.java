package io.steward.daemon;

import io.steward.heartbeat.NotifyRefusal;
import io.steward.heartbeat.Origin;
import io.steward.heartbeat.VlpError;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The heartbeat counters behind {@code /metrics}. The heartbeat thread is the only writer of the
 * per-datagram ones (a release store, no lock, no allocation); recoveries may come from other
 * threads and use atomic increments. Every label exists from the start, at zero.
 */
final class BeatCounters {
    /** Why a beat or a notify datagram was dropped after it was received. */
    enum Drop {
        AUTH_FAILURE, ORIGIN_CONFLICT, NAMESPACE_CONFLICT, OUT_OF_ORDER, RATE_LIMITED, DECODE, NO_CREDENTIALS,
        CTRL_TRUNCATED, FOREIGN_SENDER;

        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a recovery did. */
    enum Recovery {
        RESTARTED, STOPPED, SIGNALLED, FAILED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a recovery was refused. */
    enum Refusal {
        NETWORK_UNVERIFIED, CROSS_NAMESPACE, DEBOUNCED, USER_STOPPED;

        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicLongArray beats = new AtomicLongArray(Origin.values().length);
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private final AtomicLongArray decode = new AtomicLongArray(VlpError.values().length);
    private final AtomicLongArray notifyRefused = new AtomicLongArray(NotifyRefusal.values().length);
    private final AtomicLongArray recoveries = new AtomicLongArray(Recovery.values().length);
    private final AtomicLongArray refusals = new AtomicLongArray(Refusal.values().length);
    private final AtomicLongArray other = new AtomicLongArray(4);
    private static final int NOTIFY = 0;
    private static final int STALLS = 1;
    private static final int IO = 2;
    private static final int NOTIFY_FDS_CLOSED = 3;

    private static void bump(AtomicLongArray a, int i) {
        a.setRelease(i, a.getPlain(i) + 1);
    }

    void beat(Origin o) {
        bump(beats, o.ordinal());
    }

    void drop(Drop d) {
        bump(drops, d.ordinal());
    }

    void decodeError(VlpError e) {
        bump(decode, e.ordinal());
        bump(drops, Drop.DECODE.ordinal());
    }

    void notifyMessage() {
        bump(other, NOTIFY);
    }

    void notifyRefused(NotifyRefusal r) {
        bump(notifyRefused, r.ordinal());
    }

    void notifyFdsClosed(int n) {
        other.setRelease(NOTIFY_FDS_CLOSED, other.getPlain(NOTIFY_FDS_CLOSED) + n);
    }

    void stall() {
        bump(other, STALLS);
    }

    void io() {
        bump(other, IO);
    }

    void recovery(Recovery r) {
        recoveries.incrementAndGet(r.ordinal());
    }

    void refusal(Refusal r) {
        refusals.incrementAndGet(r.ordinal());
    }

    long beats() {
        long n = 0;
        for (int i = 0; i < beats.length(); i++) {
            n += beats.get(i);
        }
        return n;
    }

    long drops(Drop d) {
        return drops.get(d.ordinal());
    }

    long decodeErrors(VlpError e) {
        return decode.get(e.ordinal());
    }

    long recoveries(Recovery r) {
        return recoveries.get(r.ordinal());
    }

    long refusals(Refusal r) {
        return refusals.get(r.ordinal());
    }

    long notifyRefusedCount(NotifyRefusal r) {
        return notifyRefused.get(r.ordinal());
    }

    long stalls() {
        return other.get(STALLS);
    }

    /** Appends the Prometheus families; {@code tracker} supplies evictions and the tracked count. */
    void render(StringBuilder b, long evictions, int tracked) {
        family(b, "steward_beats_total", "counter", "heartbeats accepted, by transport origin");
        for (Origin o : Origin.values()) {
            sample(b, "steward_beats_total", "origin", o.wire(), beats.get(o.ordinal()));
        }
        family(b, "steward_beat_drops_total", "counter", "heartbeats and notify datagrams dropped, by reason");
        for (Drop d : Drop.values()) {
            sample(b, "steward_beat_drops_total", "reason", d.wire(), drops.get(d.ordinal()));
        }
        family(b, "steward_beat_decode_errors_total", "counter", "VLP frames that failed to decode, by kind");
        for (VlpError e : VlpError.values()) {
            sample(b, "steward_beat_decode_errors_total", "kind", e.wire(), decode.get(e.ordinal()));
        }
        family(b, "steward_notify_messages_total", "counter", "sd_notify datagrams accepted");
        b.append("steward_notify_messages_total ").append(other.get(NOTIFY)).append('\n');
        family(b, "steward_notify_refused_total", "counter", "sd_notify datagrams dropped whole, by reason");
        for (NotifyRefusal r : NotifyRefusal.values()) {
            sample(b, "steward_notify_refused_total", "reason", r.wire(), notifyRefused.get(r.ordinal()));
        }
        family(b, "steward_notify_fds_closed_total", "counter", "descriptors passed with notify datagrams and closed");
        b.append("steward_notify_fds_closed_total ").append(other.get(NOTIFY_FDS_CLOSED)).append('\n');
        family(b, "steward_stalls_total", "counter", "sessions that went silent past their threshold");
        b.append("steward_stalls_total ").append(other.get(STALLS)).append('\n');
        family(b, "steward_recoveries_total", "counter", "recoveries from stalls, by outcome");
        for (Recovery r : Recovery.values()) {
            sample(b, "steward_recoveries_total", "outcome", r.wire(), recoveries.get(r.ordinal()));
        }
        family(b, "steward_recovery_refusals_total", "counter", "recoveries refused, by reason");
        for (Refusal r : Refusal.values()) {
            sample(b, "steward_recovery_refusals_total", "reason", r.wire(), refusals.get(r.ordinal()));
        }
        family(b, "steward_beat_evictions_total", "counter", "tracked agents evicted to make room");
        b.append("steward_beat_evictions_total ").append(evictions).append('\n');
        family(b, "steward_beat_io_errors_total", "counter", "receive failures on heartbeat sockets");
        b.append("steward_beat_io_errors_total ").append(other.get(IO)).append('\n');
        family(b, "steward_beat_agents", "gauge", "agents tracked now");
        b.append("steward_beat_agents ").append(tracked).append('\n');
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder b, String name, String label, String value, long n) {
        b.append(name).append('{').append(label).append("=\"").append(value).append("\"} ").append(n).append('\n');
    }
}
