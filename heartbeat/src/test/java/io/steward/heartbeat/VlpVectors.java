package io.steward.heartbeat;

import io.steward.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The VLP conformance file, kept verbatim in test resources, read with the project's JSON parser. */
final class VlpVectors {
    static final String RESOURCE = "/vlp-test-vectors.json";

    private VlpVectors() {
    }

    static Map<String, Object> load() {
        try (InputStream in = VlpVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test resources");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // u64 values such as the terminal nonce overflow a long; the parser refuses them, so
            // they are read as strings and converted unsigned.
            return Json.parseObject(text.replaceAll(":\\s*(\\d{19,})", ": \"$1\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
        return (List<Map<String, Object>>) doc.get(key);
    }

    /** An unsigned integer field, whether the parser gave a Long or (above 2^63-1) a String. */
    static long unsigned(Map<String, Object> o, String key) {
        Object v = o.get(key);
        return v instanceof String s ? Long.parseUnsignedLong(s) : (Long) v;
    }
}
