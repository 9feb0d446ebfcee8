package io.steward.daemon.upgrade;

import io.steward.sys.Exec;
import io.steward.sys.Libc;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state a daemon hands to the build that replaces it in place, in a memfd that survives the
 * execve: a versioned header, then named sections, each one component's own bytes (the sessions,
 * the event stream, the counters…). A component reads only its section, so the layout of one never
 * shifts another's. The whole format has one version, {@link #FORMAT}: a build that does not read
 * it refuses to take over (see {@link BuildCheck}), and the daemon then does not hand over.
 *
 * <p>Sections go straight into the memfd as they are written, and the next daemon reads them from a
 * mapping of it: a hundred sessions' rings are copied once on each side, never gathered in arrays.
 */
public final class StateFile implements AutoCloseable {
    /** This layout's version, sessions and processes included; raise it with any change to what is written. */
    public static final int FORMAT = 2;
    private static final String MAGIC = "steward-handover";
    /** A ring's 64 KiB pages are written past the buffer, straight into the memfd. */
    private static final int BUFFER = 64 * 1024;

    /** Writes one section's bytes. */
    @FunctionalInterface
    public interface Section {
        void write(DataOutputStream out) throws IOException;
    }

    private final int fd;
    private final FileChannel channel;
    /** Writing: null. Reading: the mapping, and where each section lies in it. */
    private final Arena arena;
    private final MemorySegment mapped;
    private final Map<String, long[]> sections = new LinkedHashMap<>();

    private StateFile(int fd, FileChannel channel, Arena arena, MemorySegment mapped) {
        this.fd = fd;
        this.channel = channel;
        this.arena = arena;
        this.mapped = mapped;
    }

    /** A new state in a new memfd (close-on-exec until kept), its header written; fill it with {@link #put}. */
    public static StateFile create() throws IOException {
        int fd = Exec.memfd("steward-handover");
        try {
            StateFile s = new StateFile(fd, FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE),
                    null, null);
            byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
            s.channel.write(ByteBuffer.allocate(8 + magic.length).putInt(magic.length).put(magic).putInt(FORMAT).flip());
            return s;
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Writes a section: its name, its length, its bytes, straight into the memfd. */
    public StateFile put(String name, Section section) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        long at = channel.position();
        channel.write(ByteBuffer.allocate(4 + n.length + 8).putInt(n.length).put(n).putLong(0).flip());
        long start = channel.position();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(unclosable(channel), BUFFER));
        section.write(out);
        out.flush();
        long length = channel.position() - start;
        channel.write(ByteBuffer.allocate(8).putLong(0, length), at + 4 + n.length);
        return this;
    }

    /** The bytes written so far. */
    public long bytes() throws IOException {
        return channel.size();
    }

    /** The memfd, with every section in it; the caller keeps it across the execve. */
    public int fd() {
        return fd;
    }

    /**
     * Reads the state a predecessor left in {@code fd}, by mapping it; the descriptor stays open:
     * should this build fail to take over, the build before it takes over from the same state.
     *
     * @throws IOException when it is not a state of {@link #FORMAT}
     */
    public static StateFile read(int fd) throws IOException {
        FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
        Arena arena = Arena.ofShared();
        StateFile s = new StateFile(fd, ch, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        try (DataInputStream in = new DataInputStream(s.from(0, s.mapped.byteSize()))) {
            byte[] magic = in.readNBytes(in.readInt());
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IOException("descriptor " + fd + " holds no steward state");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("the state is of format " + format + "; this build reads " + FORMAT);
            }
            long at = 8 + magic.length;
            while (at < s.mapped.byteSize()) {
                int n = s.mapped.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), at);
                String name = new String(s.mapped.asSlice(at + 4, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                long length = s.mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                        at + 4 + n);
                long start = at + 4 + n + 8;
                s.sections.put(name, new long[] {start, length});
                at = start + length;
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A section to read, or null when the state has none of that name. */
    public DataInputStream section(String name) {
        long[] where = sections.get(name);
        return where == null ? null : new DataInputStream(from(where[0], where[1]));
    }

    private InputStream from(long start, long length) {
        MemorySegment part = mapped.asSlice(start, length);
        return new InputStream() {
            private long at;

            @Override
            public int read() {
                return at < part.byteSize() ? part.get(ValueLayout.JAVA_BYTE, at++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= part.byteSize()) {
                    return len == 0 ? 0 : -1;
                }
                int n = (int) Math.min(len, part.byteSize() - at);
                MemorySegment.copy(part, ValueLayout.JAVA_BYTE, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    /** Closes the channel and the mapping; the memfd itself only when {@code andFd}. */
    public void close(boolean andFd) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it after the sections
        }
        if (arena != null) {
            arena.close();
        }
        if (andFd) {
            Libc.close(fd);
        }
    }

    @Override
    public void close() {
        close(true);
    }

    private static OutputStream unclosable(FileChannel ch) {
        OutputStream out = Channels.newOutputStream(ch);
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the channel stays open for the next section
            }
        };
    }
}
