package io.steward.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An object of strings, names and values alike strings a program can take when {@code cString}. */
public record TextMapType(boolean cString) implements OptionType<Map<String, String>> {
    @Override
    public Map<String, String> read(String field, Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            throw Refusals.invalid(field + ": an object of strings is required");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw Refusals.invalid(field + "." + e.getKey() + ": a string is required");
            }
            out.put((String) e.getKey(), s);
        }
        return check(field, out);
    }

    /** {@code values} with every name and value checked; a name holds no '=', which would end it early. */
    public Map<String, String> check(String name, Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
                throw Refusals.invalid(name + " name " + Refusals.quoted(e.getKey()) + ": a non-empty name without '=' is required");
            }
            if (cString) {
                Refusals.requireCString(name + " name '" + e.getKey() + "'", e.getKey());
                Refusals.requireCString(name + "." + e.getKey(), e.getValue());
            }
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Object write(Map<String, String> value) {
        return value;
    }

    /** A map of one entry, {@code KEY=VALUE}: the text form of a map is its entries, one a time ({@link #parseAll}). */
    @Override
    public Map<String, String> parse(String name, String text) {
        return parseAll(name, List.of(text));
    }

    @Override
    public Map<String, String> parseAll(String name, List<String> texts) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String text : texts) {
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw Refusals.invalid(name + ": KEY=VALUE is required, not " + Refusals.quoted(text));
            }
            entries.put(text.substring(0, eq), text.substring(eq + 1));
        }
        return check(name, entries);
    }

    @Override
    public String format(Map<String, String> value) {
        return value.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    @Override
    public String schema() {
        return "type: object, additionalProperties: {type: string}";
    }
}
