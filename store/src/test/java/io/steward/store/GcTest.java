package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rm drops a checkpoint from the index; gc then frees exactly the blobs nothing else references. */
class GcTest {
    @TempDir
    Path tmp;

    @Test
    void gcFreesWhatTheRemovedCheckpointAloneReferenced() throws Exception {
        Path image = Images.write(tmp.resolve("image"), RoundTripTest.FORTY_MIB, 40);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored first = store.put(image, Map.of(), "first");
            Images.flipByte(image.resolve("pages-1.img"), 5);
            Stored second = store.put(image, Map.of(), "second");
            Usage before = store.usage();

            Stored removed = store.remove("first");
            assertEquals(first.digest(), removed.digest());
            assertEquals(List.of("second"), store.list().stream().map(Stored::tag).toList());
            assertEquals(before, store.usage(), "blobs stay until gc");

            Set<String> kept = new HashSet<>(second.layers().stream().map(Layer::digest).toList());
            long unshared = first.layers().stream().filter(l -> !kept.contains(l.digest())).count();
            assertEquals(1, unshared, "only the first part differs");

            GcResult gc = store.gc();
            assertEquals(unshared + 2, gc.blobsRemoved(), "the part, the manifest and the config");
            assertEquals(removed.uniqueBytes(), gc.bytesFreed());
            assertEquals(before.bytes() - gc.bytesFreed(), gc.bytesKept());
            assertEquals(new Usage(gc.bytesKept(), before.blobs() - gc.blobsRemoved()), store.usage());
            assertEquals(new GcResult(0, 0, gc.bytesKept()), store.gc(), "nothing more to collect");

            StewardException gone = assertThrows(StewardException.class, () -> store.extract(removed, tmp.resolve("gone")));
            assertEquals(ErrorCode.NOT_FOUND, gone.code());

            Path out = tmp.resolve("out");
            store.extract(store.resolve("second"), out);
            assertEquals(Images.listing(image), Images.listing(out));
            assertTrue(store.resolve("second").uniqueBytes() >= second.uniqueBytes(), "now it owns the shared parts");
            assertEquals(store.resolve("second").storedBytes(), store.resolve("second").uniqueBytes());
        }
    }
}
