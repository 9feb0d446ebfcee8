package io.steward.daemon.beats;

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
public final class BeatCounters {
    /** Why a beat or a notify datagram was dropped after it was received. */
    enum Drop {
        AUTH_FAILURE, ORIGIN_CONFLICT, NAMESPACE_CONFLICT, OUT_OF_ORDER, RATE_LIMITED, DECODE, NO_CREDENTIALS,
        CTRL_TRUNCATED, FOREIGN_SENDER, FOREIGN_UID;

        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a recovery did. */
    public enum Recovery {
        RESTARTED, STOPPED, SIGNALLED, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a recovery was refused. */
    public enum Refusal {
        NETWORK_UNVERIFIED, CROSS_NAMESPACE, DEBOUNCED, USER_STOPPED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicLongArray beats = new AtomicLongArray(Origin.values().length);
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private final AtomicLongArray decode = new AtomicLongArray(VlpError.values().length);
    private final AtomicLongArray notifyRefused = new AtomicLongArray(NotifyRefusal.values().length);
    private final AtomicLongArray recoveries = new AtomicLongArray(Recovery.values().length);
    private final AtomicLongArray refusals = new AtomicLongArray(Refusal.values().length);
    private final AtomicLongArray other = new AtomicLongArray(5);
    private static final int NOTIFY = 0;
    private static final int STALLS = 1;
    private static final int IO = 2;
    private static final int NOTIFY_FDS_CLOSED = 3;
    private static final int CLOCK_GAPS = 4;

    private AtomicLongArray[] all() {
        return new AtomicLongArray[] {beats, drops, decode, notifyRefused, recoveries, refusals, other};
    }

    /** Every counter, for a daemon that takes over: /metrics goes on counting, never back to zero. */
    public void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        for (AtomicLongArray a : all()) {
            long[] v = new long[a.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i);
            }
            io.steward.core.Handover.writeLongs(out, v);
        }
    }

    public void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        for (AtomicLongArray a : all()) {
            long[] v = io.steward.core.Handover.readLongs(in);
            for (int i = 0; i < Math.min(v.length, a.length()); i++) {
                a.set(i, v[i]);
            }
        }
    }

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

    void clockGap() {
        bump(other, CLOCK_GAPS);
    }

    public void recovery(Recovery r) {
        recoveries.incrementAndGet(r.ordinal());
    }

    public void refusal(Refusal r) {
        refusals.incrementAndGet(r.ordinal());
    }

    /** Appends the Prometheus families; evictions and the tracked count come from the tracker. */
    void render(StringBuilder b, long evictions, int tracked) {
        labelled(b, "steward_beats_total", "heartbeats accepted, by transport origin", "origin",
                wires(Origin.values(), Origin::wire), beats);
        labelled(b, "steward_beat_drops_total", "heartbeats and notify datagrams dropped, by reason", "reason",
                wires(Drop.values(), Drop::wire), drops);
        labelled(b, "steward_beat_decode_errors_total", "VLP frames that failed to decode, by kind", "kind",
                wires(VlpError.values(), VlpError::wire), decode);
        single(b, "steward_notify_messages_total", "counter", "sd_notify datagrams accepted", other.get(NOTIFY));
        labelled(b, "steward_notify_refused_total", "sd_notify datagrams dropped whole, by reason", "reason",
                wires(NotifyRefusal.values(), NotifyRefusal::wire), notifyRefused);
        single(b, "steward_notify_fds_closed_total", "counter", "descriptors passed with notify datagrams and closed",
                other.get(NOTIFY_FDS_CLOSED));
        single(b, "steward_stalls_total", "counter", "sessions that went silent past their threshold", other.get(STALLS));
        labelled(b, "steward_recoveries_total", "recoveries from stalls, by outcome", "outcome",
                wires(Recovery.values(), Recovery::wire), recoveries);
        labelled(b, "steward_recovery_refusals_total", "recoveries refused, by reason", "reason",
                wires(Refusal.values(), Refusal::wire), refusals);
        single(b, "steward_beat_evictions_total", "counter", "tracked agents evicted to make room", evictions);
        single(b, "steward_beat_io_errors_total", "counter", "receive failures on heartbeat sockets", other.get(IO));
        single(b, "steward_beat_clock_gaps_total", "counter",
                "times the heartbeat thread could not watch for a while and gave watched sessions a fresh threshold",
                other.get(CLOCK_GAPS));
        single(b, "steward_beat_agents", "gauge", "agents tracked now", tracked);
    }

    private static <E> String[] wires(E[] values, java.util.function.Function<E, String> wire) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = wire.apply(values[i]);
        }
        return out;
    }

    /** A counter family with one sample per label value, indexed like {@code counts}. */
    private static void labelled(StringBuilder b, String name, String help, String label, String[] values,
            AtomicLongArray counts) {
        family(b, name, "counter", help);
        for (int i = 0; i < values.length; i++) {
            b.append(name).append('{').append(label).append("=\"").append(values[i]).append("\"} ")
                    .append(counts.get(i)).append('\n');
        }
    }

    private static void single(StringBuilder b, String name, String type, String help, long value) {
        family(b, name, type, help);
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

}
