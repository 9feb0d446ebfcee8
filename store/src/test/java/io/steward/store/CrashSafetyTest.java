package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash mid-write leaves is a temporary file, never a blob with a digest name and short content. */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void openingDeletesLeftoverTemporaryFiles() throws Exception {
        Path dir = tmp.resolve("store");
        try (CheckpointStore store = CheckpointStore.open(dir)) {
            store.put(Images.write(tmp.resolve("image"), 1 << 20, 30), Map.of(), null);
        }
        Path stale = dir.resolve("blobs/sha256/.tmp-interrupted");
        Files.write(stale, new byte[12345]);
        try (CheckpointStore store = CheckpointStore.open(dir)) {
            assertFalse(Files.exists(stale));
            assertEquals(1, store.list().size());
        }
    }

    @Test
    void gcDeletesTemporaryFilesToo() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Path stale = store.dir().resolve("blobs/sha256/.tmp-late");
            Files.write(stale, new byte[100]);
            GcResult gc = store.gc();
            assertEquals(new GcResult(1, 100, 0), gc);
            assertFalse(Files.exists(stale));
        }
    }

    @Test
    void everyBlobUnderADigestNameHoldsExactlyThatContent() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            store.put(Images.write(tmp.resolve("image"), RoundTripTest.FORTY_MIB, 31), Map.of(), null);
            List<Path> files;
            try (Stream<Path> s = Files.list(store.dir().resolve("blobs/sha256"))) {
                files = s.toList();
            }
            assertTrue(files.size() > 5);
            for (Path f : files) {
                assertFalse(f.getFileName().toString().startsWith("."), "left behind: " + f);
                assertEquals("sha256:" + f.getFileName(), Digests.of(Files.readAllBytes(f)));
            }
            assertFalse(Files.list(store.dir()).anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")),
                    "index.json written through a temporary file, none left");
        }
    }
}
