package io.steward.daemon.session;

import io.steward.api.Arrival;
import io.steward.core.Ring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;

/**
 * One stream's log on disk: {@code <stem>.out.log} and up to {@link #FILES} - 1 older files
 * ({@code .1} the newest of them), each rotated at {@link #MAX_BYTES}. It remembers which stream
 * offsets went where (a run per stretch written without a gap), so output the ring has dropped can
 * still be read from here. A timed log keeps when its bytes arrived beside it ({@link LogTimes}).
 */
public final class LogFile {
    private static final Logger LOG = Logger.getLogger(LogFile.class.getName());
    static final long MAX_BYTES = 10L * 1024 * 1024;
    public static final int FILES = 5;

    /** Stream bytes {@code [start, start + length)} at {@code position} of file {@code generation}. */
    private record Run(long generation, long start, long position, long length) {
        long end() {
            return start + length;
        }
    }

    private final Path current;
    private final boolean timed;
    private final ArrayDeque<Run> runs = new ArrayDeque<>();
    /** Counts rotations: file {@code generation} is {@code path(this.generation - generation)}. */
    private long generation;
    private long size = -1;

    LogFile(Path current, boolean timed) {
        this.current = current;
        this.timed = timed;
    }

    /** Where the stream's bytes went, for a daemon that takes over and appends to the same files. */
    synchronized void handOver(java.io.DataOutputStream out) throws IOException {
        out.writeLong(generation);
        out.writeLong(size);
        out.writeInt(runs.size());
        for (Run r : runs) {
            out.writeLong(r.generation());
            out.writeLong(r.start());
            out.writeLong(r.position());
            out.writeLong(r.length());
        }
    }

    synchronized void takeOver(java.io.DataInputStream in) throws IOException {
        generation = in.readLong();
        size = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            runs.addLast(new Run(in.readLong(), in.readLong(), in.readLong(), in.readLong()));
        }
    }

    Path path(int i) {
        return i == 0 ? current : current.resolveSibling(current.getFileName() + "." + i);
    }

    /**
     * Appends {@code data} (its remaining bytes), which are the stream's bytes from {@code offset};
     * {@code times} says when they arrived (stream offsets), and is kept when this log is timed.
     */
    synchronized void append(ByteBuffer data, long offset, List<Arrival> times) throws IOException {
        int n = data.remaining();
        if (size < 0 || size > 0 && size + n > MAX_BYTES) {
            rotate();
        }
        try (FileChannel ch = FileChannel.open(current, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            try {
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            } catch (IOException e) {
                // Part of it may be on disk (a full disk takes what fits): cut it off, or every later
                // run would point at the wrong place.
                ch.truncate(size);
                throw e;
            }
        }
        Run last = runs.peekLast();
        if (last != null && last.generation() == generation && last.end() == offset) {
            runs.pollLast();
            runs.addLast(new Run(generation, last.start(), last.position(), last.length() + n));
        } else {
            runs.addLast(new Run(generation, offset, size, n));
        }
        long position = size;
        size += n;
        if (timed) {
            try {
                LogTimes.append(current, times.stream()
                        .map(a -> new Arrival(position + (a.offset() - offset), a.epochMillis())).toList());
            } catch (IOException e) {
                // The bytes are in: a time that could not be kept is a time unknown, never a byte lost.
                LOG.fine("cannot write " + LogTimes.of(current) + ": " + e.getMessage());
            }
        }
    }

    /**
     * When the stream's bytes {@code [from, to)} arrived, by the times kept beside the file of the
     * run that holds {@code from}; empty when the log is not timed or holds no time for them.
     */
    public synchronized List<Arrival> times(long from, long to) {
        if (!timed) {
            return List.of();
        }
        for (Run r : runs) {
            if (r.end() <= from || r.start() > from) {
                continue;
            }
            long delta = r.position() - r.start();
            try {
                return LogTimes.between(path((int) (generation - r.generation())), r.position(), from + delta,
                        Math.min(to, r.end()) + delta).stream()
                        .map(a -> new Arrival(a.offset() - delta, a.epochMillis())).toList();
            } catch (IOException e) {
                return List.of();
            }
        }
        return List.of();
    }

    /** Starts a new current file; the oldest beyond {@link #FILES} goes, with its runs. */
    private void rotate() throws IOException {
        size = -1; // until the new file exists: a rotation that fails is tried again by the next append
        if (Files.exists(current) && Files.size(current) == 0) {
            deleteWithTimes(current); // an emptied log: nothing to keep
        } else if (Files.exists(current)) {
            deleteWithTimes(path(FILES - 1));
            for (int i = FILES - 2; i >= 0; i--) {
                if (Files.exists(path(i))) {
                    Files.move(path(i), path(i + 1));
                }
                if (Files.exists(LogTimes.of(path(i)))) {
                    Files.move(LogTimes.of(path(i)), LogTimes.of(path(i + 1)));
                }
            }
            generation++;
        }
        runs.removeIf(r -> generation - r.generation() >= FILES);
        Files.createFile(current, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        size = 0;
    }

    /**
     * Up to {@code max} bytes from {@code cursor}, from the oldest run that still holds bytes at or
     * after it (a cursor before everything kept skips ahead, as a ring read does); null when the
     * files hold nothing at or after it.
     */
    public synchronized Ring.Chunk read(long cursor, int max) {
        for (Iterator<Run> it = runs.iterator(); it.hasNext(); ) {
            Run r = it.next();
            if (r.end() <= cursor) {
                continue;
            }
            long from = Math.max(cursor, r.start());
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, r.end() - from));
            try (FileChannel ch = FileChannel.open(path((int) (generation - r.generation())), StandardOpenOption.READ)) {
                long at = r.position() + (from - r.start());
                while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {
                    // keep reading
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Ring.Chunk(java.util.Arrays.copyOf(buf.array(), buf.position()), from, from + buf.position(),
                    from - cursor);
        }
        return null;
    }

    /** Deletes the current file and every older one; the log holds nothing after. */
    synchronized void delete() throws IOException {
        runs.clear();
        size = -1;
        for (int i = 0; i < FILES; i++) {
            deleteWithTimes(path(i));
        }
    }

    private static void deleteWithTimes(Path log) throws IOException {
        Files.deleteIfExists(log);
        Files.deleteIfExists(LogTimes.of(log));
    }

    /** Empties the log: older files go, the current one is cut to nothing. */
    synchronized void flush() throws IOException {
        for (int i = 1; i < FILES; i++) {
            deleteWithTimes(path(i));
        }
        Files.deleteIfExists(LogTimes.of(current));
        if (Files.exists(current)) {
            try (FileChannel ch = FileChannel.open(current, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
        }
        runs.clear();
        size = Files.exists(current) ? 0 : -1;
    }
}
