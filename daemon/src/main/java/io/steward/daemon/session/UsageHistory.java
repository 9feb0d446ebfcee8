package io.steward.daemon.session;

import io.steward.api.SessionSamples;
import java.time.Duration;
import java.util.List;

/**
 * The last hour of a session's usage, for the dashboard's charts: a sample per period (10 s by
 * default), its tree's CPU time and resident memory, in a ring of primitive arrays so that a
 * sample allocates nothing, however many sessions there are.
 */
public final class UsageHistory {
    /** An hour of samples at the default period. */
    public static final int CAPACITY = 360;

    // Allocated at the first sample (10 KiB in all): a session that ends within a period never needs them.
    private long[] atMs;
    private long[] cpuMicros;
    private long[] rssBytes;
    /** CPU used since the sample before, as a share of one core, in thousandths of a percent. */
    private int[] cpuMilliPercent;
    private int next;
    private int size;
    private long lastCpuMicros = -1;
    private long lastAtNanos;

    /**
     * Adds a sample taken at {@code epochMs} ({@code nanos} on the monotonic clock); the oldest goes
     * once the ring is full. A tree whose CPU time went down was started again (a restart): its
     * share is what the new tree used since the sample before.
     */
    public synchronized void add(long epochMs, long nanos, long cpu, long rss) {
        if (atMs == null) {
            atMs = new long[CAPACITY];
            cpuMicros = new long[CAPACITY];
            rssBytes = new long[CAPACITY];
            cpuMilliPercent = new int[CAPACITY];
        }
        int share = 0;
        long elapsedMicros = (nanos - lastAtNanos) / 1000;
        if (lastCpuMicros >= 0 && elapsedMicros > 0) {
            long used = cpu >= lastCpuMicros ? cpu - lastCpuMicros : cpu;
            share = (int) Math.min(Integer.MAX_VALUE, used * 100_000 / elapsedMicros);
        }
        atMs[next] = epochMs;
        cpuMicros[next] = cpu;
        rssBytes[next] = rss;
        cpuMilliPercent[next] = share;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
        lastCpuMicros = cpu;
        lastAtNanos = nanos;
    }

    /** The samples, oldest first, copied out: {@code [at ms, cpu µs, rss bytes, cpu m%]} as columns. */
    public synchronized Columns columns() {
        Columns c = new Columns(new long[size], new long[size], new long[size], new int[size]);
        int first = (next - size + CAPACITY) % CAPACITY;
        for (int i = 0; i < size; i++) {
            int at = (first + i) % CAPACITY;
            c.atMs[i] = atMs[at];
            c.cpuMicros[i] = cpuMicros[at];
            c.rssBytes[i] = rssBytes[at];
            c.cpuMilliPercent[i] = cpuMilliPercent[at];
        }
        return c;
    }

    /** The samples as the API writes them: ms, and percent rounded to a tenth. */
    public SessionSamples samples(String session, Duration period) {
        Columns c = columns();
        int n = c.atMs().length;
        Long[] at = new Long[n];
        Long[] cpu = new Long[n];
        Double[] percent = new Double[n];
        Long[] rss = new Long[n];
        for (int i = 0; i < n; i++) {
            at[i] = c.atMs()[i];
            cpu[i] = c.cpuMicros()[i] / 1000;
            percent[i] = Math.round(c.cpuMilliPercent()[i] / 100.0) / 10.0;
            rss[i] = c.rssBytes()[i];
        }
        return new SessionSamples(session, period, List.of(at), List.of(cpu), List.of(percent), List.of(rss));
    }

    /** A copy of the ring, column by column, oldest first. */
    public record Columns(long[] atMs, long[] cpuMicros, long[] rssBytes, int[] cpuMilliPercent) {}
}
