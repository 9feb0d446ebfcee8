package io.steward.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a JSON object the daemon wrote: lenient, since it is the daemon's own answer. A
 * field that is absent or null reads as null (or false, 0); a field unknown to the reader is left
 * alone, so an older client still reads a newer daemon's answer.
 */
record JsonFields(Map<String, Object> json) {
    String text(String key) {
        return json.get(key) instanceof String s ? s : null;
    }

    Long number(String key) {
        return json.get(key) instanceof Number n ? n.longValue() : null;
    }

    long longValue(String key) {
        Long n = number(key);
        return n != null ? n : 0;
    }

    Integer integer(String key) {
        Long n = number(key);
        return n != null ? Math.toIntExact(n) : null;
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(json.get(key));
    }

    Boolean optionalFlag(String key) {
        return json.get(key) instanceof Boolean b ? b : null;
    }

    Duration millis(String key) {
        Long n = number(key);
        return n != null ? Duration.ofMillis(n) : null;
    }

    // Loops rather than streams here: every CLI command reads these, and a stream pipeline loads
    // classes a short command pays for at start.
    List<String> texts(String key) {
        if (!(json.get(key) instanceof List<?> l)) {
            return List.of();
        }
        String[] out = new String[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = String.valueOf(l.get(i));
        }
        return List.of(out);
    }

    List<Long> longs(String key) {
        if (!(json.get(key) instanceof List<?> l)) {
            return List.of();
        }
        Long[] out = new Long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i) instanceof Number n ? n.longValue() : 0L;
        }
        return List.of(out);
    }

    Instant instant(String key) {
        String s = text(key);
        return s != null ? Timestamps.parse(s) : null;
    }

    boolean has(String key) {
        return json.containsKey(key);
    }

    @SuppressWarnings("unchecked")
    JsonFields object(String key) {
        return json.get(key) instanceof Map<?, ?> m ? new JsonFields((Map<String, Object>) m) : null;
    }

    /** The objects of a list field; anything else in it is skipped. */
    @SuppressWarnings("unchecked")
    List<JsonFields> objects(String key) {
        return json.get(key) instanceof List<?> l ? l.stream().filter(o -> o instanceof Map<?, ?>)
                .map(o -> new JsonFields((Map<String, Object>) o)).toList() : List.of();
    }

    /**
     * An error code; one this client does not know is {@code internal}, as a problem document's is:
     * a failure stays a failure even when its kind is new.
     */
    ErrorCode errorCode(String key) {
        String s = text(key);
        return s == null ? null : ErrorCode.fromWire(s).orElse(ErrorCode.INTERNAL);
    }

    /** The enum constant whose wire name the field holds, or null; a name none has is a daemon this client does not know. */
    <E extends Enum<E> & Json.Wire> E wire(String key, E[] values) {
        return Json.Wire.of(key, text(key), values);
    }

    // ---- writing: values as the JSON reader gives them back, so a document read and written again equals itself ----

    static Long millis(Duration d) {
        return d != null ? d.toMillis() : null;
    }

    static String wire(Json.Wire w) {
        return w != null ? w.wire() : null;
    }

    static Long number(Integer i) {
        return i != null ? i.longValue() : null;
    }

    static String instant(Instant t) {
        return t != null ? t.toString() : null;
    }
}
