package io.steward.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint in the store.
 *
 * @param digest       {@code sha256:<hex>} of its manifest: its identity
 * @param tag          the name it is tagged with, or null
 * @param kind         {@code criu} (an image to restore), {@code unsupported} (a record of why there is
 *                     none: {@code reason}) or {@code corrupt} (its manifest or config failed its digest
 *                     check when the store was opened: {@code reason} says which)
 * @param created      when it was stored
 * @param meta         the caller's metadata, as given to put
 * @param reason       why it is unsupported or corrupt, else null
 * @param layers       its image files (a file over 4 MiB as several parts), in file name and offset order
 * @param storedBytes  manifest, config and distinct layer blobs as stored (compressed)
 * @param imageBytes   the image's uncompressed size
 * @param uniqueBytes  bytes of blobs no other checkpoint references: what removing it and a gc frees
 */
public record Stored(String digest, String tag, String kind, Instant created, Map<String, Object> meta,
        String reason, List<Layer> layers, long storedBytes, long imageBytes, long uniqueBytes) {
    public static final String KIND_CRIU = "criu";
    public static final String KIND_UNSUPPORTED = "unsupported";
    public static final String KIND_CORRUPT = "corrupt";

    /** The digest's first 12 hex digits, as a listing shows it. */
    public String shortDigest() {
        return digest.substring(Digests.PREFIX.length(), Digests.PREFIX.length() + 12);
    }
}
