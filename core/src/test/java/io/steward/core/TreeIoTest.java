package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.sys.Libc;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeIoTest {
    private static final int MIB = 1 << 20;

    @Test
    void aChildThatWroteAMebibyteShowsItAndItsDescriptors(@TempDir Path dir) throws Exception {
        // cat writes what it is fed to a file and then waits for more: alive, so its counters are readable.
        Process sh = new ProcessBuilder("sh", "-c", "cat > out; exit 0").directory(dir.toFile()).start();
        try {
            OutputStream in = sh.getOutputStream();
            in.write(new byte[MIB]);
            in.flush();
            Poll.until("the file holds a mebibyte", () -> size(dir.resolve("out")) >= MIB);
            List<Integer> tree = new ArrayList<>();
            tree.add((int) sh.pid());
            sh.descendants().forEach(p -> tree.add((int) p.pid()));
            TreeIo io = TreeIo.read(tree);
            assertTrue(io.wchar() >= MIB, io.toString());
            assertTrue(io.rchar() >= MIB, "cat read it from its stdin: " + io);
            assertTrue(io.openFiles() >= 3, io.toString());
            assertEquals(tree.size(), io.processes(), io.toString());
            assertEquals(0, io.unreadable());
        } finally {
            sh.getOutputStream().close();
            assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aVanishedPidIsSkippedAndCountedOnceAListedTwicePidCountsOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        int self = Libc.getpid();
        TreeIo io = TreeIo.read(List.of(self, self, (int) gone.pid()));
        assertEquals(1, io.processes());
        assertEquals(1, io.unreadable());
        assertTrue(io.openFiles() >= 3, io.toString());
        assertEquals(TreeIo.NONE, TreeIo.read(List.of()));
    }

    @Test
    void theIoFileIsParsedByName() {
        String text = "rchar: 12\nwchar: 34\nsyscr: 5\nsyscw: 6\nread_bytes: 4096\nwrite_bytes: 8192\n"
                + "cancelled_write_bytes: 0\n";
        MemorySegment buf = Arena.ofAuto().allocateFrom(text);
        long[] out = new long[4];
        assertTrue(TreeIo.parse(buf, text.length(), out));
        assertEquals(List.of(12L, 34L, 4096L, 8192L), List.of(out[0], out[1], out[2], out[3]));
        assertTrue(!TreeIo.parse(buf, 20, out), "a file cut short is not a reading");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
