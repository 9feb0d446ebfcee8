package io.steward.daemon;

import io.steward.daemon.supervision.SessionHandover;
import io.steward.daemon.upgrade.StateFile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The daemon's own part of what it hands over, and where each part goes: its version, since when
 * it runs and how often it was replaced, when it stopped serving, the lock's descriptor and the key
 * of its ids; then the sections the other parts write and read (sessions, events, counters).
 *
 * @param stoppedServingNanos when the API stopped serving ({@link System#nanoTime}, one clock across the execve)
 */
record DaemonState(String version, Instant startedAt, long upgrades, long stoppedServingNanos, int lockFd,
        byte[] idKey, List<Integer> kept) {
    static final String DAEMON = "daemon";
    static final String EVENTS = "events";
    static final String SESSIONS = "sessions";
    static final String COUNTERS = "counters";
    static final String METRICS = "metrics";
    /** The dashboard's token, so a page left open carries on with its cookie; a build without it draws a new one. */
    static final String UI = "ui";

    /**
     * Writes everything but the API's counters (the caller adds {@link #METRICS}); every thread
     * that changes what it writes must be held.
     *
     * @param keep gets the descriptors the next daemon inherits
     */
    static void write(StateFile state, Daemon d, long stoppedServingNanos, Set<Integer> keep) throws IOException {
        keep.add(d.lock().fd());
        state.put(EVENTS, d.events()::handOver);
        state.put(COUNTERS, out -> {
            var logs = d.sessions().logCounters();
            out.writeLong(logs.written().get());
            out.writeLong(logs.dropped().get());
            d.heartbeats().counters().handOver(out);
        });
        state.put(SESSIONS, out -> new SessionHandover(d.sessions()).write(out, keep));
        // Last: it lists every descriptor kept, which a fallback keeps again.
        state.put(DAEMON, out -> {
            out.writeUTF(Daemon.VERSION);
            out.writeLong(d.startedAt().getEpochSecond());
            out.writeInt(d.startedAt().getNano());
            out.writeLong(d.upgrades());
            out.writeLong(stoppedServingNanos);
            out.writeInt(d.lock().fd());
            io.steward.core.Handover.writeBytes(out, d.sessions().registry().ids().keyBytes());
            io.steward.core.Handover.writeLongs(out, keep.stream().mapToLong(Integer::longValue).toArray());
        });
    }

    static DaemonState read(StateFile state) {
        try (DataInputStream in = state.section(DAEMON)) {
            return new DaemonState(in.readUTF(), Instant.ofEpochSecond(in.readLong(), in.readInt()), in.readLong(),
                    in.readLong(), in.readInt(), io.steward.core.Handover.readBytes(in),
                    java.util.Arrays.stream(io.steward.core.Handover.readLongs(in)).mapToObj(l -> (int) l).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the state handed over", e);
        }
    }

    /**
     * Puts what the predecessor handed over into {@code d}'s parts: events, counters, then the
     * sessions; returns what sets the sessions going, to run once {@code d} serves.
     */
    static Runnable takeOver(StateFile state, Daemon d) {
        try {
            d.events().takeOver(state.section(EVENTS));
            DataInputStream counters = state.section(COUNTERS);
            var logs = d.sessions().logCounters();
            logs.written().set(counters.readLong());
            logs.dropped().set(counters.readLong());
            d.heartbeats().counters().takeOver(counters);
            return new SessionHandover(d.sessions()).read(state.section(SESSIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the state handed over", e);
        }
    }
}
