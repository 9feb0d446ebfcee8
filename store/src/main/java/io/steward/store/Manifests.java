package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OCI image manifest and the config blob of a checkpoint: writing them, and reading them back. */
final class Manifests {
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String ARTIFACT_TYPE = "application/vnd.steward.checkpoint.v1";
    static final String CONFIG_TYPE = "application/vnd.steward.checkpoint.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.steward.criu.image.v1+zstd";
    static final String TITLE = "org.opencontainers.image.title";
    static final String CREATED = "org.opencontainers.image.created";
    static final String UNCOMPRESSED_SIZE = "io.steward.uncompressed.size";
    static final String PART_OFFSET = "io.steward.part.offset";

    private Manifests() {}

    static byte[] config(String kind, String reason, Instant created, Map<String, Object> meta) {
        return bytes(Json.object("kind", kind, "reason", reason, "created", created.toString(),
                "meta", meta == null ? Map.of() : meta));
    }

    /** The manifest; the layers of a file stored in parts carry their offset. */
    static byte[] manifest(String configDigest, long configSize, Instant created, List<Layer> layers) {
        List<Object> ls = new ArrayList<>();
        for (Layer l : layers) {
            Map<String, Object> annotations = Json.object(TITLE, l.name(),
                    UNCOMPRESSED_SIZE, Long.toString(l.uncompressedSize()));
            if (isSplit(l, layers)) {
                annotations.put(PART_OFFSET, Long.toString(l.offset()));
            }
            ls.add(Json.object("mediaType", LAYER_TYPE, "digest", l.digest(), "size", l.size(),
                    "annotations", annotations));
        }
        return bytes(Json.object("schemaVersion", 2L, "mediaType", MANIFEST_TYPE, "artifactType", ARTIFACT_TYPE,
                "config", Json.object("mediaType", CONFIG_TYPE, "digest", configDigest, "size", configSize),
                "layers", ls, "annotations", Json.object(CREATED, created.toString())));
    }

    private static boolean isSplit(Layer l, List<Layer> all) {
        if (l.offset() != 0) {
            return true;
        }
        for (Layer o : all) {
            if (o != l && o.name().equals(l.name())) {
                return true;
            }
        }
        return false;
    }

    /** Reads a checkpoint's manifest and config blobs (each checked against its digest). */
    static Checkpoint load(BlobDir blobs, String digest, long manifestSize) {
        Map<String, Object> manifest = parse(blobs.readVerified(digest, "manifest"), digest);
        Map<String, Object> configRef = object(manifest.get("config"), "config", digest);
        String configDigest = digest(configRef.get("digest"), digest);
        long configSize = number(configRef.get("size"), "config size", digest);
        List<Layer> layers = layers(manifest.get("layers"), digest);
        Map<String, Object> config = parse(blobs.readVerified(configDigest,
                "config of checkpoint " + digest), configDigest);
        String kind = string(config.get("kind"), "kind", configDigest);
        String reason = config.get("reason") instanceof String s ? s : null;
        Instant created;
        try {
            created = Instant.parse(string(config.get("created"), "created", configDigest));
        } catch (DateTimeParseException e) {
            throw malformed(configDigest, "created is not an ISO-8601 instant");
        }
        Map<String, Object> meta = config.get("meta") instanceof Map<?, ?> ? object(config.get("meta"), "meta", configDigest) : Map.of();
        return new Checkpoint(digest, manifestSize, configDigest, configSize, kind, reason, created, meta, layers);
    }

    private static List<Layer> layers(Object value, String manifest) {
        if (!(value instanceof List<?> list)) {
            throw malformed(manifest, "layers is not a list");
        }
        List<Layer> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> d = object(o, "layer", manifest);
            Map<String, Object> a = object(d.get("annotations"), "layer annotations", manifest);
            String name = string(a.get(TITLE), TITLE, manifest);
            long offset = a.containsKey(PART_OFFSET) ? parseLong(a.get(PART_OFFSET), manifest) : 0;
            long uncompressed = parseLong(a.get(UNCOMPRESSED_SIZE), manifest);
            out.add(new Layer(name, offset, digest(d.get("digest"), manifest),
                    number(d.get("size"), "layer size", manifest), uncompressed));
        }
        return List.copyOf(out);
    }

    static byte[] bytes(Object json) {
        return Json.write(json).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> parse(byte[] bytes, String digest) {
        try {
            return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
        } catch (StewardException e) {
            throw malformed(digest, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String what, String digest) {
        if (!(v instanceof Map<?, ?>)) {
            throw malformed(digest, what + " is not an object");
        }
        return (Map<String, Object>) v;
    }

    private static String string(Object v, String what, String digest) {
        if (!(v instanceof String s)) {
            throw malformed(digest, what + " is not a string");
        }
        return s;
    }

    private static String digest(Object v, String in) {
        if (!(v instanceof String s) || !Digests.isDigest(s)) {
            throw malformed(in, "a descriptor's digest is not sha256:<64 hex>");
        }
        return s;
    }

    private static long number(Object v, String what, String digest) {
        if (!(v instanceof Long n) || n < 0) {
            throw malformed(digest, what + " is not a size");
        }
        return n;
    }

    private static long parseLong(Object v, String digest) {
        try {
            long n = Long.parseLong(string(v, "annotation", digest));
            if (n < 0) {
                throw malformed(digest, "negative size or offset");
            }
            return n;
        } catch (NumberFormatException e) {
            throw malformed(digest, "an annotation is not a number");
        }
    }

    private static StewardException malformed(String digest, String what) {
        return new StewardException(ErrorCode.CORRUPT, "blob " + digest + " is not a valid steward checkpoint document: " + what);
    }
}
