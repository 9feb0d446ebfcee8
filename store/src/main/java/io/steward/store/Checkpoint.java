package io.steward.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint as the index knows it: its manifest's digest and size, and what the manifest and
 * config say. {@code configDigest} is null when the manifest itself could not be read.
 */
record Checkpoint(String digest, long manifestSize, String configDigest, long configSize, String kind,
        String reason, Instant created, Map<String, Object> meta, List<Layer> layers) {

    /** Every blob it references, each once, with its size: the manifest, the config and the layers. */
    Map<String, Long> blobs() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(digest, manifestSize);
        if (configDigest != null) {
            out.put(configDigest, configSize);
        }
        for (Layer l : layers) {
            out.put(l.digest(), l.size());
        }
        return out;
    }

    long imageBytes() {
        long sum = 0;
        for (Layer l : layers) {
            sum += l.uncompressedSize();
        }
        return sum;
    }
}
