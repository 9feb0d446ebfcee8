package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Puts, listings and gcs from several threads at once leave every checkpoint whole. */
class ConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    void putsRacingGcAllSurvive() throws Exception {
        int writers = 4;
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            images.add(Images.write(tmp.resolve("image" + i), 18L << 20, 50 + i));
        }
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"));
                ExecutorService callers = Executors.newFixedThreadPool(writers + 1)) {
            store.warmUp();
            AtomicBoolean done = new AtomicBoolean();
            Future<Integer> collector = callers.submit(() -> {
                int gcs = 0;
                while (!done.get()) {
                    store.gc();
                    store.list();
                    gcs++;
                }
                return gcs;
            });
            List<Future<Stored>> puts = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Path image = images.get(i);
                String tag = "w" + i;
                puts.add(callers.submit(() -> store.put(image, Json.object("writer", tag), tag)));
            }
            for (Future<Stored> f : puts) {
                f.get();
            }
            done.set(true);
            collector.get();

            assertEquals(writers, store.list().size());
            for (int i = 0; i < writers; i++) {
                Path out = tmp.resolve("out" + i);
                store.extract(store.resolve("w" + i), out);
                assertEquals(Images.listing(images.get(i)), Images.listing(out));
            }
            assertEquals(0, store.gc().blobsRemoved(), "nothing referenced was left unreferenced");
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        CheckpointStore store = CheckpointStore.open(tmp.resolve("store"));
        store.close();
        assertEquals(ErrorCode.CLOSED, assertThrows(StewardException.class, store::list).code());
    }
}
