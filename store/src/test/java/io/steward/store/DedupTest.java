package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content already stored is not stored again: a checkpoint costs only what changed. */
class DedupTest {
    @TempDir
    Path tmp;

    @Test
    void theSameDirectoryTwiceAddsOnlyAManifestAndAConfig() throws Exception {
        Path image = Images.write(tmp.resolve("image"), RoundTripTest.FORTY_MIB, 10);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored first = store.put(image, Map.of(), null);
            Usage before = store.usage();
            Stored second = store.put(image, Map.of(), null);
            Usage after = store.usage();

            assertNotEquals(first.digest(), second.digest(), "the configs differ by their time");
            assertEquals(first.layers(), second.layers());
            assertEquals(before.blobs() + 2, after.blobs());
            assertTrue(after.bytes() - before.bytes() < before.bytes() / 100, before + " then " + after);
        }
    }

    @Test
    void oneChangedByteAddsOnePart() throws Exception {
        Path image = Images.write(tmp.resolve("image"), RoundTripTest.FORTY_MIB, 11);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored first = store.put(image, Map.of(), null);
            Usage before = store.usage();
            Images.flipByte(image.resolve("pages-1.img"), (20L << 20) + 12345);
            Stored second = store.put(image, Map.of(), null);
            Usage after = store.usage();

            Set<String> firstBlobs = new HashSet<>(first.layers().stream().map(Layer::digest).toList());
            List<Layer> fresh = second.layers().stream().filter(l -> !firstBlobs.contains(l.digest())).toList();
            assertEquals(1, fresh.size(), "new layers: " + fresh);
            assertEquals("pages-1.img", fresh.getFirst().name());
            long changed = (20L << 20) + 12345;
            assertEquals(changed - changed % ImagePacker.PART_SIZE, fresh.getFirst().offset(),
                    "the part holding the changed byte");
            assertEquals(before.blobs() + 3, after.blobs(), "one part, a manifest and a config");
            long added = after.bytes() - before.bytes();
            assertEquals(fresh.getFirst().size() + sizeOfDocs(second), added, "one part, a manifest and a config");
            assertEquals(fresh.getFirst().size() + sizeOfDocs(second), second.uniqueBytes());
        }
    }

    /** The manifest and config: what storedBytes has beyond its layers. */
    private static long sizeOfDocs(Stored s) {
        long layers = 0;
        Set<String> seen = new HashSet<>();
        for (Layer l : s.layers()) {
            if (seen.add(l.digest())) {
                layers += l.size();
            }
        }
        return s.storedBytes() - layers;
    }
}
