package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code index.json}: the OCI image index, one descriptor per checkpoint manifest, in the order they were stored. */
final class IndexFile {
    static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** One descriptor: a manifest's digest and size, the tag naming it (or null), when it was stored. */
    record Entry(String digest, long size, String tag, Instant created) {
        Entry withTag(String newTag) {
            return new Entry(digest, size, newTag, created);
        }
    }

    private final Path file;

    IndexFile(Path file) {
        this.file = file;
    }

    List<Entry> read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
        Map<String, Object> index;
        try {
            index = Json.parseObject(text);
        } catch (StewardException e) {
            throw corrupt(e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        if (!(index.get("manifests") instanceof List<?> manifests)) {
            throw corrupt("no manifests list");
        }
        for (Object o : manifests) {
            if (!(o instanceof Map<?, ?> d) || !(d.get("digest") instanceof String digest) || !Digests.isDigest(digest)
                    || !(d.get("size") instanceof Long size)) {
                throw corrupt("a descriptor without a sha256 digest and a size");
            }
            String tag = null;
            Instant created = Instant.EPOCH;
            if (d.get("annotations") instanceof Map<?, ?> a) {
                tag = a.get(REF_NAME) instanceof String s ? s : null;
                if (a.get(Manifests.CREATED) instanceof String c) {
                    try {
                        created = Instant.parse(c);
                    } catch (DateTimeParseException e) {
                        throw corrupt("a descriptor's created annotation is not an ISO-8601 instant");
                    }
                }
            }
            out.add(new Entry(digest, size, tag, created));
        }
        return out;
    }

    /** Replaces the file atomically, durable when this returns. */
    void write(List<Entry> entries) throws IOException {
        List<Object> manifests = new ArrayList<>();
        for (Entry e : entries) {
            var annotations = Json.object(Manifests.CREATED, e.created().toString());
            if (e.tag() != null) {
                annotations.put(REF_NAME, e.tag());
            }
            manifests.add(Json.object("mediaType", Manifests.MANIFEST_TYPE, "artifactType", Manifests.ARTIFACT_TYPE,
                    "digest", e.digest(), "size", e.size(), "annotations", annotations));
        }
        byte[] bytes = Manifests.bytes(Json.object("schemaVersion", 2L, "mediaType", INDEX_TYPE, "manifests", manifests));
        AtomicFiles.write(file, ByteBuffer.wrap(bytes));
        AtomicFiles.syncDir(file.getParent());
    }

    private StewardException corrupt(String why) {
        return new StewardException(ErrorCode.CORRUPT, "the checkpoint index " + file + " is unreadable: " + why);
    }
}
