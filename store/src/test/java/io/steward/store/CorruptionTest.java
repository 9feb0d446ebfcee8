package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blob whose bytes no longer hash to its name is named, and no half image is left behind. */
class CorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void aFlippedByteInALayerIsCorruptAndLeavesNoImage() throws Exception {
        Path image = Images.write(tmp.resolve("image"), RoundTripTest.FORTY_MIB, 20);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.put(image, Map.of(), null);
            Layer victim = s.layers().stream().filter(l -> l.offset() == 16L << 20).findFirst().orElseThrow();
            Images.flipByte(store.dir().resolve("blobs/sha256").resolve(victim.digest().substring(7)), victim.size() / 2);

            Path out = tmp.resolve("out");
            StewardException e = assertThrows(StewardException.class, () -> store.extract(s, out));
            assertEquals(ErrorCode.CORRUPT, e.code());
            assertTrue(e.getMessage().startsWith("blob " + victim.digest() + " (pages-1.img) of checkpoint " + s.digest()
                    + " is corrupt: its content hashes to sha256:"), e.getMessage());
            assertFalse(Files.exists(out), "no half image");
        }
    }

    @Test
    void aMissingBlobIsCorrupt() throws Exception {
        Path image = Images.write(tmp.resolve("image"), 1 << 20, 21);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.put(image, Map.of(), null);
            Layer victim = s.layers().getFirst();
            Files.delete(store.dir().resolve("blobs/sha256").resolve(victim.digest().substring(7)));
            StewardException e = assertThrows(StewardException.class, () -> store.extract(s, tmp.resolve("out")));
            assertEquals(ErrorCode.CORRUPT, e.code());
            assertTrue(e.getMessage().contains(victim.digest()), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("out")));
        }
    }

    @Test
    void aCorruptManifestIsListedAsCorruptAndRefusesExtraction() throws Exception {
        Path image = Images.write(tmp.resolve("image"), 1 << 20, 22);
        Stored s;
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            s = store.put(image, Map.of(), "t");
        }
        Images.flipByte(tmp.resolve("store/blobs/sha256").resolve(s.digest().substring(7)), 10);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored listed = store.resolve("t");
            assertEquals(Stored.KIND_CORRUPT, listed.kind());
            assertTrue(listed.reason().contains(s.digest()), listed.reason());
            StewardException e = assertThrows(StewardException.class, () -> store.extract(listed, tmp.resolve("out")));
            assertEquals(ErrorCode.CORRUPT, e.code());
            assertFalse(Files.exists(tmp.resolve("out")));
            store.remove("t");
        }
    }

    @Test
    void extractionRefusesAnExistingTarget() throws Exception {
        Path image = Images.write(tmp.resolve("image"), 1 << 20, 23);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.put(image, Map.of(), null);
            Files.createDirectory(tmp.resolve("out"));
            StewardException e = assertThrows(StewardException.class, () -> store.extract(s, tmp.resolve("out")));
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
        }
    }
}
