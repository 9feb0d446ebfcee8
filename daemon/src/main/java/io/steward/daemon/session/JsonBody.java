package io.steward.daemon.session;

import io.steward.api.BoolType;
import io.steward.api.ErrorCode;
import io.steward.api.MillisType;
import io.steward.api.OptionType;
import io.steward.api.StewardException;
import io.steward.api.TextListType;
import io.steward.api.TextType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object of the API (a request body other than a run request's, an app of an apply, a
 * WebSocket control message) read field by field with its type and range, by the same
 * {@link OptionType}s that read the run options (see {@link io.steward.api.RunRequestBody}), so a
 * type or a range is checked the same way everywhere. An absent field gets its default; a present
 * one must have its type, so JSON {@code null} is refused rather than taken as the default (a
 * client's bug is not silently a setting); an unknown field is refused, so a typo never falls back
 * to a default either. Every refusal is {@code invalid-input} naming the field, and comes before
 * the caller acts on any field.
 */
public final class JsonBody {
    private static final BoolType BOOL = new BoolType();
    private static final TextType STRING = new TextType(TextType.UNLIMITED);
    private static final TextListType STRINGS = new TextListType(0, false);

    private final Map<String, Object> fields;

    private JsonBody(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** {@code body}, whose fields must all be {@code known} and none null. */
    public static JsonBody of(Map<String, Object> body, Set<String> known) {
        io.steward.api.Refusals.requireKnownFields(body, known::contains,
                known.isEmpty() ? "; this endpoint takes no body" : "");
        return new JsonBody(body);
    }

    /** {@code value}, which must be a JSON object, as {@link #of(Map, Set)}; {@code what} names it in errors. */
    @SuppressWarnings("unchecked")
    public static JsonBody of(Object value, Set<String> known, String what) {
        if (!(value instanceof Map<?, ?> m)) {
            throw invalid(what + ": an object is required");
        }
        return of((Map<String, Object>) m, known);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** The fields as they came. */
    Map<String, Object> fields() {
        return fields;
    }

    public String string(String field) {
        Object v = fields.get(field);
        return v == null ? null : STRING.read(field, v);
    }

    public String requiredString(String field, String what) {
        String s = string(field);
        if (s == null) {
            throw invalid(field + ": " + what + " is required");
        }
        return s;
    }

    public boolean bool(String field, boolean dflt) {
        Object v = fields.get(field);
        return v == null ? dflt : BOOL.read(field, v);
    }

    /** An integer within {@code min..max}, or null when absent. */
    public Long integer(String field, long min, long max) {
        Object v = fields.get(field);
        return v == null ? null : OptionType.readLong(field, v, min, max);
    }

    /** A required integer within {@code min..max}. */
    public long requiredInteger(String field, long min, long max) {
        Long v = integer(field, min, max);
        if (v == null) {
            throw invalid(field + ": an integer in " + min + ".." + max + " is required");
        }
        return v;
    }

    /** A duration in milliseconds, 0 up to ten years, or null when absent. */
    public Duration duration(String field) {
        return duration(field, 0);
    }

    /** A duration in milliseconds, {@code minMs} up to ten years, or null when absent. */
    Duration duration(String field, long minMs) {
        Long ms = integer(field, minMs, MillisType.MAX_MS);
        return ms == null ? null : Duration.ofMillis(ms);
    }

    /** An array of strings, or null when absent. */
    public List<String> strings(String field) {
        Object v = fields.get(field);
        return v == null ? null : STRINGS.read(field, v);
    }

    /** A JSON object, or null when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String field, String what) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw invalid(field + ": " + what + " is required");
        }
        return (Map<String, Object>) m;
    }

    /** A JSON array, or null when absent. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String field, String what) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw invalid(field + ": " + what + " is required");
        }
        return (List<Object>) l;
    }

    public static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
