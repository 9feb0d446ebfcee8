package io.steward.daemon.session;

/**
 * The last hour of a session's usage, for the dashboard's charts: a sample per period (10 s by
 * default), its tree's CPU time and resident memory, in a ring of primitive arrays so that a
 * sample allocates nothing, however many sessions there are.
 */
public final class UsageHistory {
    /** An hour of samples at the default period. */
    public static final int CAPACITY = 360;

    private final long[] atMs = new long[CAPACITY];
    private final long[] cpuMicros = new long[CAPACITY];
    private final long[] rssBytes = new long[CAPACITY];
    /** CPU used since the sample before, as a share of one core, in thousandths of a percent. */
    private final int[] cpuMilliPercent = new int[CAPACITY];
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

    /** A copy of the ring, column by column, oldest first. */
    public record Columns(long[] atMs, long[] cpuMicros, long[] rssBytes, int[] cpuMilliPercent) {}
}
