package io.steward.api;

import java.time.Duration;
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

    List<String> texts(String key) {
        return json.get(key) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    @SuppressWarnings("unchecked")
    JsonFields object(String key) {
        return json.get(key) instanceof Map<?, ?> m ? new JsonFields((Map<String, Object>) m) : null;
    }

    /** The enum constant whose wire name the field holds, or null; a name none has is a daemon this client does not know. */
    <E extends Enum<E> & Json.Wire> E wire(String key, E[] values) {
        String s = text(key);
        if (s == null) {
            return null;
        }
        for (E e : values) {
            if (e.wire().equals(s)) {
                return e;
            }
        }
        throw new StewardException(ErrorCode.INTERNAL, key + ": '" + s + "' is not a value this client knows; is the daemon newer?");
    }

    static Long millis(Duration d) {
        return d != null ? d.toMillis() : null;
    }
}
