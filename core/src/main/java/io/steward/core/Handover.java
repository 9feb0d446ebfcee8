package io.steward.core;

import io.steward.api.Outcome;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process as one daemon hands it to the build that replaces it in place (an execve of the same
 * pid): what the runtime knows of it, its rings byte for byte at the same offsets, its stdin queue,
 * and the numbers of the descriptors it keeps (pidfd, pipe ends or the terminal's master), which
 * survive the execve. The reader must be the same format: {@link #FORMAT} says which.
 */
public final class Handover {
    /** This layout's version; a daemon refuses to hand over to a build that does not read it. */
    public static final int FORMAT = 2;

    private Handover() {}

    /**
     * Writes {@code p}; the loop must be stopped ({@link ProcessRuntime#freeze}), so no byte moves.
     *
     * @param keep gets the descriptors the next program must inherit
     */
    public static void write(ManagedProcess p, DataOutputStream out, Set<Integer> keep) throws IOException {
        synchronized (p) {
            Launcher.Spawned s = p.spawned();
            ProcessStreams streams = p.streams();
            ExitStatus exit = p.exitStatus().orElse(null);
            boolean live = exit == null;
            out.writeInt(s.pid());
            out.writeUTF(s.originator());
            out.writeBoolean(s.pty());
            out.writeLong(p.startedAt().getEpochSecond());
            out.writeInt(p.startedAt().getNano());
            out.writeLong(live ? p.startTicks() : 0);
            ProcessSpec.PtySize size = p.ptySize();
            out.writeInt(size != null ? size.rows() : -1);
            out.writeInt(size != null ? size.cols() : -1);
            out.writeLong(p.memory()[1]);
            int pidfd = live ? kept(s.pidfd(), keep) : -1;
            out.writeInt(pidfd);
            out.writeInt(live ? kept(openFd(streams.out), keep) : -1);
            out.writeInt(live && streams.err != null ? kept(openFd(streams.err), keep) : -1);
            out.writeInt(live && streams.stdinChannel() != null ? kept(openFd(streams.stdinChannel()), keep) : -1);
            writeExit(out, exit);
            out.writeBoolean(streams.stderr != null);
            writeLongs(out, streams.order != null ? streams.order.handOver() : null);
            out.writeBoolean(streams.stdin != null);
            if (streams.stdin != null) {
                streams.stdin.handOver(out);
            }
            ProcessTree.Members m = p.tree().handOver();
            writeMap(out, m.born());
            writeMap(out, m.known());
            writeInts(out, m.escapes());
        }
    }

    /**
     * Writes {@code p}'s rings, byte for byte at their offsets, apart from the rest of it: reading
     * them back is plain copying, which the next program does while its native calls bootstrap.
     */
    public static void writeRings(ManagedProcess p, DataOutputStream out) throws IOException {
        synchronized (p) {
            ProcessStreams streams = p.streams();
            streams.stdout.handOver(out);
            out.writeBoolean(streams.stderr != null);
            if (streams.stderr != null) {
                streams.stderr.handOver(out);
            }
        }
    }

    /** A process's rings as {@link #writeRings} wrote them; no native call is made. */
    public static Rings readRings(DataInputStream in) throws IOException {
        Ring stdout = Ring.takeOver(in);
        return new Rings(stdout, in.readBoolean() ? Ring.takeOver(in) : null);
    }

    /** A process's rings read back, for {@link ProcessRuntime#takeOver}. */
    public record Rings(Ring stdout, Ring stderr) {}

    /** A process as {@link #write} wrote it, with its rings, built on {@code runtime}'s loop but not yet started. */
    static ManagedProcess read(ProcessRuntime runtime, ProcessSpec spec, DataInputStream in, Rings rings)
            throws IOException {
        int pid = in.readInt();
        String originator = in.readUTF();
        boolean pty = in.readBoolean();
        Instant startedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
        long startTicks = in.readLong();
        int rows = in.readInt();
        int cols = in.readInt();
        long peakRss = in.readLong();
        int pidfd = in.readInt();
        int out = in.readInt();
        int err = in.readInt();
        int stdin = in.readInt();
        ExitStatus exit = readExit(in);
        if (in.readBoolean() != (rings.stderr() != null)) {
            throw new IOException("process " + pid + ": its rings do not match it (stderr)");
        }
        Ring stdout = rings.stdout();
        Ring stderr = rings.stderr();
        long[] order = readLongs(in);
        boolean hasStdin = in.readBoolean();
        Launcher.Spawned spawned = new Launcher.Spawned(pid, pidfd, originator, pty ? out : stdin, out,
                stderr != null ? err : -1, pty);
        ProcessStreams streams = new ProcessStreams(runtime.loop(), spawned, stdout, stderr,
                order != null ? ArrivalOrder.takeOver(order) : null, hasStdin);
        if (hasStdin) {
            streams.stdin.takeOver(in);
        }
        ManagedProcess p = new ManagedProcess(runtime, spec, spawned, streams, startedAt, startTicks,
                rows > 0 ? new ProcessSpec.PtySize(rows, cols) : null, peakRss, exit);
        p.tree().takeOver(new ProcessTree.Members(readMap(in), readMap(in), new HashSet<>(readInts(in))));
        return p;
    }

    private static int openFd(Channel c) {
        return c != null && c.isOpen() ? c.fd() : -1;
    }

    private static int kept(int fd, Set<Integer> keep) {
        if (fd >= 0) {
            keep.add(fd);
        }
        return fd;
    }

    /** An exit, or null. */
    public static void writeExit(DataOutputStream out, ExitStatus e) throws IOException {
        out.writeBoolean(e != null);
        if (e == null) {
            return;
        }
        out.writeInt(e.code());
        out.writeInt(e.signal());
        out.writeBoolean(e.coreDumped());
        out.writeUTF(e.outcome().name());
        out.writeLong(e.exitedAt().getEpochSecond());
        out.writeInt(e.exitedAt().getNano());
        out.writeLong(e.cpuMicros());
        out.writeLong(e.peakRssBytes());
        out.writeInt(e.leftovers().size());
        for (ExitStatus.Leftover l : e.leftovers()) {
            out.writeInt(l.pid());
            writeStrings(out, l.argv());
        }
    }

    public static ExitStatus readExit(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int code = in.readInt();
        int signal = in.readInt();
        boolean core = in.readBoolean();
        Outcome outcome = Outcome.valueOf(in.readUTF());
        Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
        long cpu = in.readLong();
        long peak = in.readLong();
        int n = in.readInt();
        List<ExitStatus.Leftover> leftovers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            leftovers.add(new ExitStatus.Leftover(in.readInt(), readStrings(in)));
        }
        return new ExitStatus(code, signal, core, outcome, at, cpu, peak, List.copyOf(leftovers));
    }

    // ---- the primitives both daemons share ----

    /** A string of any length (writeUTF stops at 64 KiB). */
    public static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    public static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Bytes, or null (length -1). */
    public static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    public static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return in.readNBytes(n);
    }

    public static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            writeString(out, v);
        }
    }

    public static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readString(in));
        }
        return out;
    }

    public static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (long v : values) {
                out.writeLong(v);
            }
        }
    }

    public static long[] readLongs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    private static void writeMap(DataOutputStream out, Map<Integer, Long> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<Integer, Long> e : m.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static Map<Integer, Long> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<Integer, Long> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readInt(), in.readLong());
        }
        return m;
    }

    private static void writeInts(DataOutputStream out, Set<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Integer> v = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            v.add(in.readInt());
        }
        return v;
    }
}
