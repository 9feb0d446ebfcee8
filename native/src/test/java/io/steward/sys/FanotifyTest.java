package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FanotifyTest {
    record Seen(long mask, int pid, String path, String newPath) {}

    /** Keeps the events under one directory: a filesystem mark also sees the rest of the host. */
    static final class Under implements Fanotify.Listener {
        final String prefix;
        final List<Seen> seen = new ArrayList<>();
        int overflows;

        Under(Path dir) {
            this.prefix = dir.toString() + "/";
        }

        @Override
        public boolean accepts(int pid) {
            return pid != Libc.getpid();
        }

        @Override
        public void event(long mask, int pid, String path, String newPath) {
            if (path != null && path.startsWith(prefix) || newPath != null && newPath.startsWith(prefix)) {
                seen.add(new Seen(mask, pid, path, newPath));
            }
        }

        @Override
        public void overflow() {
            overflows++;
        }

        boolean has(long bit, String path) {
            return seen.stream().anyMatch(s -> (s.mask() & bit) != 0 && path.equals(s.path()));
        }
    }

    @Test
    void aChildsWriteRenameAndDeleteArriveWithPathsAndPids(@TempDir Path tmp) throws Exception {
        assumeTrue(Libc.getuid() == 0, "fanotify needs CAP_SYS_ADMIN: run as root");
        Path dir = tmp.toRealPath();
        try (Fanotify fan = Fanotify.open()) {
            assertTrue(fan.markFilesystem(dir));
            assertFalse(fan.markFilesystem(dir), "the same filesystem is marked once");
            Path pids = Files.createTempFile("fanotify-pids", ".txt");
            try {
                Process sh = new ProcessBuilder("sh", "-c",
                        "echo hello > a; mv a b & echo $! > " + pids + "; wait; rm b & echo $! >> " + pids + "; wait")
                        .directory(dir.toFile()).redirectErrorStream(true).start();
                assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, sh.exitValue(), new String(sh.getInputStream().readAllBytes()));
                List<String> children = Files.readAllLines(pids);
                int mv = Integer.parseInt(children.get(0).trim());
                int rm = Integer.parseInt(children.get(1).trim());
                Under under = new Under(dir);
                String a = dir + "/a";
                String b = dir + "/b";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!under.has(Fanotify.DELETE, b) && System.nanoTime() < deadline) {
                    Libc.poll(fan.fd(), Libc.POLLIN, 100);
                    fan.read(under);
                }
                int shPid = (int) sh.pid();
                // The kernel merges queued events on one file by one process: create, open and
                // modify of "a" may come as one event with three bits.
                assertTrue(under.seen.stream().anyMatch(s -> (s.mask() & Fanotify.CREATE) != 0 && s.path().equals(a)
                        && s.pid() == shPid), under.seen.toString());
                assertTrue(under.seen.stream().anyMatch(s -> (s.mask() & Fanotify.MODIFY) != 0 && s.path().equals(a)
                        && s.pid() == shPid), under.seen.toString());
                assertTrue(under.seen.stream().anyMatch(s -> (s.mask() & Fanotify.RENAME) != 0 && s.path().equals(a)
                        && b.equals(s.newPath()) && s.pid() == mv), under.seen.toString());
                assertTrue(under.seen.stream().anyMatch(s -> (s.mask() & Fanotify.DELETE) != 0 && s.path().equals(b)
                        && s.pid() == rm), under.seen.toString());
                assertEquals(0, under.overflows);
            } finally {
                Files.deleteIfExists(pids);
            }
        }
    }

    /** Builds events the way the kernel lays them out. */
    private static final class Builder {
        final MemorySegment buf = Arena.ofAuto().allocate(4096, 8);
        long at;

        long event(long mask, int pid) {
            long start = at;
            buf.set(ValueLayout.JAVA_BYTE, start + 4, (byte) FanotifyDecoder.METADATA_VERSION);
            buf.set(ValueLayout.JAVA_SHORT, start + 6, (short) FanotifyDecoder.METADATA_LEN);
            buf.set(ValueLayout.JAVA_LONG, start + 8, mask);
            buf.set(ValueLayout.JAVA_INT, start + 16, -1);
            buf.set(ValueLayout.JAVA_INT, start + 20, pid);
            at += FanotifyDecoder.METADATA_LEN;
            return start;
        }

        void dfidName(int type, long fsid, byte[] handle, String name) {
            long r = at;
            byte[] n = (name + "\0").getBytes();
            int len = (int) ((4 + 8 + 8 + handle.length + n.length + 3) & ~3L);
            buf.asSlice(r, len).fill((byte) 0);
            buf.set(ValueLayout.JAVA_BYTE, r, (byte) type);
            buf.set(ValueLayout.JAVA_SHORT, r + 2, (short) len);
            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, r + 4, fsid);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, r + 12, handle.length);
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, r + 16, 1);
            MemorySegment.copy(handle, 0, buf, ValueLayout.JAVA_BYTE, r + 20, handle.length);
            MemorySegment.copy(n, 0, buf, ValueLayout.JAVA_BYTE, r + 20 + handle.length, n.length);
            at += len;
        }

        void end(long start) {
            buf.set(ValueLayout.JAVA_INT, start, (int) (at - start));
        }
    }

    @Test
    void theDecoderReadsRenamesSkipsUnwantedPidsAndReportsOverflow() {
        Builder b = new Builder();
        long e1 = b.event(Fanotify.RENAME, 42);
        b.dfidName(FanotifyDecoder.INFO_OLD_DFID_NAME, 7, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "old");
        b.dfidName(FanotifyDecoder.INFO_NEW_DFID_NAME, 7, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, "new.txt");
        b.end(e1);
        long e2 = b.event(Fanotify.MODIFY, 43);
        b.dfidName(FanotifyDecoder.INFO_DFID_NAME, 7, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "x");
        b.end(e2);
        long e3 = b.event(Fanotify.Q_OVERFLOW, 0);
        b.end(e3);
        long e4 = b.event(Fanotify.DELETE | Fanotify.ONDIR, 43);
        b.dfidName(FanotifyDecoder.INFO_DFID_NAME, 7, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "sub");
        b.end(e4);
        List<String> out = new ArrayList<>();
        int[] overflows = {0};
        int[] dirChanges = {0};
        int n = FanotifyDecoder.decode(b.buf.asSlice(0, b.at), new FanotifyDecoder.Sink() {
            @Override
            public boolean accepts(int pid) {
                return pid == 42;
            }

            @Override
            public void event(MemorySegment buf, FanotifyDecoder.Event e) {
                out.add(e.mask + " " + e.pid + " " + e.name + " " + e.newName + " " + e.dirLength + " "
                        + e.newDirLength + " " + buf.get(ValueLayout.JAVA_LONG_UNALIGNED, e.newDir));
            }

            @Override
            public void directoryChanged() {
                dirChanges[0]++;
            }

            @Override
            public void overflow() {
                overflows[0]++;
            }
        }, new FanotifyDecoder.Event());
        assertEquals(4, n);
        assertEquals(List.of(Fanotify.RENAME + " 42 old new.txt 24 28 7"), out);
        assertEquals(1, overflows[0]);
        assertEquals(1, dirChanges[0], "a directory removed by anyone forgets remembered paths");
    }

    @Test
    void withoutCapSysAdminMarkingFailsWithEperm() throws Exception {
        assumeTrue(Libc.getuid() == 0, "dropping to nobody needs root");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        Process child = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", ownClasses(), FanotifyOpenMain.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        String output = new String(child.getInputStream().readAllBytes()).trim();
        assertNotNull(output);
        // Since Linux 5.13 anyone may open a group that reports file handles; marking a whole
        // filesystem is what needs CAP_SYS_ADMIN. Older kernels refuse the group itself.
        assertTrue(output.endsWith("fanotify_mark(/tmp) EPERM") || output.endsWith("fanotify_init EPERM"), output);
    }

    /** This build's own class directories and jars: the child needs nothing else, and nobody may not read the dependency cache. */
    private static String ownClasses() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith("classes") || java.nio.file.Path.of(e).getParent().endsWith("target"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
}
