package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.core.ProcessSpec;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object of the API (a request body, an app of an apply, a WebSocket control message) read
 * field by field with its type and range: the one place where that is checked. An absent field
 * gets its default; a present one must have its type, so JSON {@code null} is refused rather than
 * taken as the default (a client's bug is not silently a setting); an unknown field is refused, so
 * a typo never falls back to a default either. Every refusal is {@code invalid-input} naming the
 * field, and comes before the caller acts on any field.
 */
final class JsonBody {
    /** The longest duration any field takes: ten years, far below 2^53 ms and within a Duration's nanoseconds. */
    static final long MAX_DURATION_MS = Duration.ofDays(3650).toMillis();

    private final Map<String, Object> fields;

    private JsonBody(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** {@code body}, whose fields must all be {@code known} and none null. */
    static JsonBody of(Map<String, Object> body, Set<String> known) {
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw invalid("unknown field '" + e.getKey() + "'" + (known.isEmpty() ? "; this endpoint takes no body"
                        : ""));
            }
            if (e.getValue() == null) {
                throw invalid(e.getKey() + ": null is not a value here; leave the field out for its default");
            }
        }
        return new JsonBody(body);
    }

    /** {@code value}, which must be a JSON object, as {@link #of(Map, Set)}; {@code what} names it in errors. */
    @SuppressWarnings("unchecked")
    static JsonBody of(Object value, Set<String> known, String what) {
        if (!(value instanceof Map<?, ?> m)) {
            throw invalid(what + ": an object is required");
        }
        return of((Map<String, Object>) m, known);
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    /** The fields as they came. */
    Map<String, Object> fields() {
        return fields;
    }

    String string(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid(field + ": a string is required");
        }
        return s;
    }

    String requiredString(String field, String what) {
        String s = string(field);
        if (s == null) {
            throw invalid(field + ": " + what + " is required");
        }
        return s;
    }

    /** A string that becomes a C string of a child (an argument, a variable, a path): no NUL, valid UTF-8. */
    String cString(String field) {
        String s = string(field);
        if (s != null) {
            requireCString(field, s);
        }
        return s;
    }

    boolean bool(String field, boolean dflt) {
        Object v = fields.get(field);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid(field + ": true or false is required");
        }
        return b;
    }

    /** An integer within {@code min..max}, or null when absent. */
    Long integer(String field, long min, long max) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof BigInteger big) {
            throw invalid(field + ": " + big + " outside " + min + ".." + max);
        }
        if (!(v instanceof Long l)) {
            throw invalid(field + ": an integer is required");
        }
        if (l < min || l > max) {
            throw invalid(field + ": " + l + " outside " + min + ".." + max);
        }
        return l;
    }

    /** A required integer within {@code min..max}. */
    long requiredInteger(String field, long min, long max) {
        Long v = integer(field, min, max);
        if (v == null) {
            throw invalid(field + ": an integer in " + min + ".." + max + " is required");
        }
        return v;
    }

    /** A duration in milliseconds, 0 up to ten years, or null when absent. */
    Duration duration(String field) {
        return duration(field, 0);
    }

    /** A duration in milliseconds, {@code minMs} up to ten years, or null when absent. */
    Duration duration(String field, long minMs) {
        Long ms = integer(field, minMs, MAX_DURATION_MS);
        return ms == null ? null : Duration.ofMillis(ms);
    }

    /** An array of strings, each one a C string ({@link #cString}), or null when absent. */
    List<String> cStrings(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw invalid(field + ": an array of strings is required");
        }
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw invalid(field + "[" + i + "]: a string is required");
            }
            requireCString(field + "[" + i + "]", s);
            out.add(s);
        }
        return out;
    }

    /** An array of strings, or null when absent. */
    List<String> strings(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l) || !l.stream().allMatch(s -> s instanceof String)) {
            throw invalid(field + ": an array of strings is required");
        }
        return l.stream().map(String.class::cast).toList();
    }

    /** An object of strings whose names and values are C strings, or null when absent. */
    Map<String, String> cStringMap(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw invalid(field + ": an object of strings is required");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = (String) e.getKey();
            requireCString(field + " name '" + name + "'", name);
            if (!(e.getValue() instanceof String s)) {
                throw invalid(field + "." + name + ": a string is required");
            }
            requireCString(field + "." + name, s);
            out.put(name, s);
        }
        return out;
    }

    /** A JSON object, or null when absent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(String field, String what) {
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
    List<Object> list(String field, String what) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw invalid(field + ": " + what + " is required");
        }
        return (List<Object>) l;
    }

    private static void requireCString(String field, String value) {
        String problem = ProcessSpec.cStringProblem(value);
        if (problem != null) {
            throw invalid(field + ": " + problem);
        }
    }

    static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
