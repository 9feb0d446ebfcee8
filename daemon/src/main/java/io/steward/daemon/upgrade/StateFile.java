package io.steward.daemon.upgrade;

import io.steward.sys.Exec;
import io.steward.sys.Libc;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state a daemon hands to the build that replaces it in place, in a memfd that survives the
 * execve: a versioned header, then named sections, each one component's own bytes (the sessions,
 * the event stream, the counters…). A component reads only its section, so the layout of one never
 * shifts another's. The whole format has one version, {@link #FORMAT}: a build that does not read
 * it refuses to take over (see {@link BuildCheck}), and the daemon then does not hand over.
 */
public final class StateFile {
    /** This layout's version, sessions and processes included; raise it with any change to what is written. */
    public static final int FORMAT = 1;
    private static final String MAGIC = "steward-handover";

    /** Writes one section's bytes. */
    @FunctionalInterface
    public interface Section {
        void write(DataOutputStream out) throws IOException;
    }

    private final Map<String, byte[]> sections;

    private StateFile(Map<String, byte[]> sections) {
        this.sections = sections;
    }

    /** A new state, to fill with {@link #put}. */
    public static StateFile empty() {
        return new StateFile(new LinkedHashMap<>());
    }

    public StateFile put(String name, Section section) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            section.write(out);
        }
        sections.put(name, bytes.toByteArray());
        return this;
    }

    /** A section to read, or null when the state has none of that name. */
    public DataInputStream section(String name) {
        byte[] b = sections.get(name);
        return b == null ? null : new DataInputStream(new ByteArrayInputStream(b));
    }

    /** The size of the state in bytes, as written. */
    public long bytes() {
        return sections.values().stream().mapToLong(b -> b.length + 64).sum();
    }

    /** Writes the state into a new memfd, whose descriptor (close-on-exec until kept) it returns. */
    public int writeToMemfd() throws IOException {
        int fd = Exec.memfd("steward-handover");
        try (OutputStream file = Files.newOutputStream(Path.of("/proc/self/fd/" + fd));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 20))) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(sections.size());
            for (Map.Entry<String, byte[]> e : sections.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return fd;
    }

    /**
     * Reads the state a predecessor left in {@code fd}, which stays open: should this build fail to
     * take over, the build before it takes over from the same state ({@link Fallback}).
     *
     * @throws IOException when it is not a state of {@link #FORMAT}
     */
    public static StateFile read(int fd) throws IOException {
        try (InputStream file = Files.newInputStream(Path.of("/proc/self/fd/" + fd));
                DataInputStream in = new DataInputStream(new BufferedInputStream(file, 1 << 20))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException("descriptor " + fd + " holds no steward state");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("the state is of format " + format + "; this build reads " + FORMAT);
            }
            int n = in.readInt();
            Map<String, byte[]> sections = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                sections.put(name, in.readNBytes(in.readInt()));
            }
            return new StateFile(sections);
        }
    }
}
