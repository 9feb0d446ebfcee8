package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint that could not be taken is recorded with its reason, and has nothing to extract. */
class UnsupportedTest {
    @TempDir
    Path tmp;

    @Test
    void listedWithItsReasonAndRefusedOnExtract() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.putUnsupported("criu is not installed", Json.object("name", "db"), "db-1");
            Stored listed = store.list().getFirst();
            assertEquals(s, listed);
            assertEquals("unsupported", listed.kind());
            assertEquals("criu is not installed", listed.reason());
            assertEquals(List.of(), listed.layers());
            assertEquals(0, listed.imageBytes());
            assertEquals(listed.storedBytes(), listed.uniqueBytes());

            StewardException e = assertThrows(StewardException.class, () -> store.extract(listed, tmp.resolve("out")));
            assertEquals(ErrorCode.UNSUPPORTED, e.code());
            assertEquals("criu is not installed", e.getMessage());
            assertFalse(Files.exists(tmp.resolve("out")));
        }
    }
}
