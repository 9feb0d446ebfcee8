package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint is named by its digest, a unique prefix of it, or a tag that moves like docker's. */
class ResolveTest {
    @TempDir
    Path tmp;

    @Test
    void digestPrefixAndTagNameTheCheckpoint() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.putUnsupported("no criu", Map.of(), "nightly");
            String hex = s.digest().substring(7);
            assertEquals(s, store.resolve(s.digest()));
            assertEquals(s, store.resolve(hex));
            assertEquals(s, store.resolve(hex.substring(0, 7)));
            assertEquals(s, store.resolve("sha256:" + hex.substring(0, 12)));
            assertEquals(s, store.resolve("nightly"));
            assertEquals(ErrorCode.NOT_FOUND, code(() -> store.resolve("weekly")));
            assertEquals(ErrorCode.NOT_FOUND, code(() -> store.resolve(hex.substring(0, 6))), "too short a prefix is no prefix");
            String other = hex.charAt(0) == '0' ? "1" + hex.substring(1) : "0" + hex.substring(1);
            assertEquals(ErrorCode.NOT_FOUND, code(() -> store.resolve(other)));
            assertEquals(ErrorCode.INVALID_INPUT, code(() -> store.resolve("sha256:xyz")));
        }
    }

    @Test
    void anAmbiguousPrefixListsTheCandidates() {
        // Two real manifests share 7 hex digits once in 2^28 pairs, so the entries are made up.
        Instant now = Instant.now();
        List<IndexFile.Entry> entries = List.of(
                new IndexFile.Entry("sha256:" + "abcdef0" + "1".repeat(57), 1, null, now),
                new IndexFile.Entry("sha256:" + "abcdef0" + "2".repeat(57), 1, "two", now),
                new IndexFile.Entry("sha256:" + "abcdef1" + "3".repeat(57), 1, null, now));
        StewardException e = assertThrows(StewardException.class, () -> Refs.resolve("abcdef0", entries));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals("checkpoint prefix 'abcdef0' is ambiguous: it matches abcdef0111111111, abcdef0222222222; give more digits",
                e.getMessage());
        assertEquals(entries.get(1), Refs.resolve("sha256:abcdef02", entries));
        assertEquals(entries.get(2), Refs.resolve("abcdef1", entries));
        assertEquals(entries.get(1), Refs.resolve("two", entries));
    }

    @Test
    void aReusedTagMovesToTheNewCheckpoint() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored old = store.putUnsupported("one", Map.of(), "latest");
            Stored now = store.putUnsupported("two", Map.of(), "latest");
            assertEquals(now.digest(), store.resolve("latest").digest());
            assertNull(store.resolve(old.digest()).tag(), "the old one keeps its digest, untagged");
            assertEquals(List.of(now.digest(), old.digest()), store.list().stream().map(Stored::digest).toList(), "newest first");
        }
    }

    @Test
    void badTagsAreRefused() throws Exception {
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            for (String bad : List.of("", ".hidden", "-flag", "a/b", "has space", "x".repeat(129), "deadbeef", "1234567")) {
                StewardException e = assertThrows(StewardException.class, () -> store.putUnsupported("r", Map.of(), bad), bad);
                assertEquals(ErrorCode.INVALID_INPUT, e.code(), bad);
                assertTrue(e.getMessage().startsWith("invalid checkpoint tag"), e.getMessage());
                assertTrue(!e.getMessage().contains("\n"));
            }
            for (String good : List.of("v1.2", "before_upgrade", "abc123", "x".repeat(128), "deadbee-f")) {
                assertEquals(good, store.putUnsupported("r", Map.of(), good).tag());
            }
            assertTrue(store.list().size() == 5);
        }
    }

    private static ErrorCode code(Runnable r) {
        return assertThrows(StewardException.class, r::run).code();
    }
}
