package io.steward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory goes in and comes out byte for byte, in an OCI image layout a registry tool could read. */
class RoundTripTest {
    static final long FORTY_MIB = 40L << 20;

    @TempDir
    Path tmp;

    @Test
    void extractGivesBackTheSameFiles() throws Exception {
        Path image = Images.write(tmp.resolve("image"), FORTY_MIB, 1);
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            Stored s = store.put(image, Json.object("name", "web", "pids", List.of(4242L)), "before-upgrade");
            assertEquals("criu", s.kind());
            assertEquals("before-upgrade", s.tag());
            assertEquals(Map.of("name", "web", "pids", List.of(4242L)), s.meta());
            assertEquals(FORTY_MIB + Files.size(image.resolve("inventory.img")) + Files.size(image.resolve("core-4242.img")),
                    s.imageBytes());
            List<Layer> pages = s.layers().stream().filter(l -> l.name().equals("pages-1.img")).toList();
            List<Long> offsets = java.util.stream.LongStream.iterate(0, o -> o < FORTY_MIB, o -> o + ImagePacker.PART_SIZE)
                    .boxed().toList();
            assertEquals(offsets, pages.stream().map(Layer::offset).toList(), "parts of " + ImagePacker.PART_SIZE);
            assertTrue(s.storedBytes() < s.imageBytes() / 2, "compressed: " + s.storedBytes());

            Path out = tmp.resolve("restore").resolve("image");
            store.extract(store.resolve("before-upgrade"), out);
            assertEquals(Images.listing(image), Images.listing(out));
            Path blob = store.dir().resolve("blobs/sha256").resolve(pages.getFirst().digest().substring(7));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)), "memory is private");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("pages-1.img"))));
        }
    }

    @Test
    void theLayoutIsAnOciImageLayout() throws Exception {
        Path image = Images.write(tmp.resolve("image"), 1 << 20, 2);
        Path dir = tmp.resolve("store");
        try (CheckpointStore store = CheckpointStore.open(dir)) {
            Stored s = store.put(image, Map.of(), "v1");
            assertEquals(Map.of("imageLayoutVersion", "1.0.0"), Json.parseObject(Files.readString(dir.resolve("oci-layout"))));
            Map<String, Object> index = Json.parseObject(Files.readString(dir.resolve("index.json")));
            assertEquals(2L, index.get("schemaVersion"));
            List<?> manifests = (List<?>) index.get("manifests");
            assertEquals(1, manifests.size());
            Map<?, ?> d = (Map<?, ?>) manifests.getFirst();
            assertEquals(s.digest(), d.get("digest"));
            assertEquals("application/vnd.oci.image.manifest.v1+json", d.get("mediaType"));
            assertEquals("v1", ((Map<?, ?>) d.get("annotations")).get("org.opencontainers.image.ref.name"));

            Path manifestFile = dir.resolve("blobs/sha256").resolve(s.digest().substring(7));
            assertEquals(d.get("size"), Files.size(manifestFile));
            Map<String, Object> manifest = Json.parseObject(Files.readString(manifestFile));
            assertEquals("application/vnd.steward.checkpoint.v1", manifest.get("artifactType"));
            Map<?, ?> config = (Map<?, ?>) manifest.get("config");
            assertEquals("application/vnd.steward.checkpoint.config.v1+json", config.get("mediaType"));
            Map<String, Object> configDoc = Json.parseObject(Files.readString(
                    dir.resolve("blobs/sha256").resolve(((String) config.get("digest")).substring(7))));
            assertEquals("criu", configDoc.get("kind"));
            for (Object o : (List<?>) manifest.get("layers")) {
                Map<?, ?> layer = (Map<?, ?>) o;
                assertEquals("application/vnd.steward.criu.image.v1+zstd", layer.get("mediaType"));
                Path blob = dir.resolve("blobs/sha256").resolve(((String) layer.get("digest")).substring(7));
                assertEquals(layer.get("size"), Files.size(blob), "size of " + layer);
                assertEquals(layer.get("digest"), Digests.of(Files.readAllBytes(blob)), "digest of the bytes as stored");
            }
        }
    }

    @Test
    void aReopenedStoreListsWhatWasStored() throws Exception {
        Path image = Images.write(tmp.resolve("image"), 1 << 20, 3);
        Stored s;
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            s = store.put(image, Json.object("criu", "4.1"), "t");
        }
        try (CheckpointStore store = CheckpointStore.open(tmp.resolve("store"))) {
            assertEquals(List.of(s), store.list());
            store.extract(store.resolve(s.digest()), tmp.resolve("out"));
            assertEquals(Images.listing(image), Images.listing(tmp.resolve("out")));
        }
    }
}
