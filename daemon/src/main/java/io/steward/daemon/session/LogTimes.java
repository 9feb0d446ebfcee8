package io.steward.daemon.session;

import io.steward.api.Arrival;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * When a log file's bytes arrived, in a file beside it ({@code web.out.log.times} for
 * {@code web.out.log}), so the log itself stays the program's bytes, unchanged, for {@code tail},
 * {@code grep} and any tool that reads it. Records of 16 bytes, big-endian: a position in the log file
 * and the epoch milliseconds at which the byte there, and those after it up to the next record's
 * position, arrived. Positions only grow, so a lookup is a binary search of fixed-size records.
 */
public final class LogTimes {
    static final int RECORD = 16;
    static final String SUFFIX = ".times";

    private LogTimes() {}

    /** The times file of the log file {@code log}. */
    public static Path of(Path log) {
        return log.resolveSibling(log.getFileName() + SUFFIX);
    }

    /** Appends records, {@link Arrival#offset} being a position in {@code log}. */
    static void append(Path log, List<Arrival> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(RECORD * records.size());
        for (Arrival a : records) {
            buf.putLong(a.offset()).putLong(a.epochMillis());
        }
        buf.flip();
        Path p = of(log);
        if (!Files.exists(p)) {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /**
     * The records for positions {@code [from, to)} of {@code log}: the one that covers {@code from}
     * (moved up to it) if it is at or after {@code floor}, then every one inside. Empty when there is
     * no times file.
     */
    static List<Arrival> between(Path log, long floor, long from, long to) throws IOException {
        List<Arrival> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(of(log), StandardOpenOption.READ)) {
            long n = ch.size() / RECORD;
            ByteBuffer rec = ByteBuffer.allocate(RECORD);
            long lo = 0;
            long hi = n;
            while (lo < hi) { // the first record after from
                long mid = (lo + hi) >>> 1;
                if (record(ch, mid, rec).offset() <= from) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo > 0) {
                Arrival covering = record(ch, lo - 1, rec);
                if (covering.offset() >= floor) {
                    out.add(new Arrival(from, covering.epochMillis()));
                }
            }
            for (long i = lo; i < n; i++) {
                Arrival a = record(ch, i, rec);
                if (a.offset() >= to) {
                    break;
                }
                out.add(a);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return out;
    }

    /** Every record of {@code log}'s times file; empty when there is none. */
    public static List<Arrival> all(Path log) throws IOException {
        return between(log, 0, 0, Long.MAX_VALUE);
    }

    private static Arrival record(FileChannel ch, long i, ByteBuffer rec) throws IOException {
        rec.clear();
        while (rec.hasRemaining() && ch.read(rec, i * RECORD + rec.position()) > 0) {
            // keep reading
        }
        rec.flip();
        return new Arrival(rec.getLong(), rec.getLong());
    }
}
