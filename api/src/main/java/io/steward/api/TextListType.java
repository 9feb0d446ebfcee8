package io.steward.api;

import java.util.ArrayList;
import java.util.List;

/** An array of strings, at least {@code minItems} of them; with {@code cString}, strings a program can take. */
public record TextListType(int minItems, boolean cString) implements OptionType<List<String>> {
    @Override
    public List<String> read(String field, Object json) {
        if (!(json instanceof List<?> l)) {
            throw Refusals.invalid(field + ": " + required());
        }
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw Refusals.invalid(field + "[" + i + "]: a string is required");
            }
            out.add(s);
        }
        return check(field, out);
    }

    /** {@code values}, each checked, and enough of them. */
    public List<String> check(String name, List<String> values) {
        if (values.size() < minItems) {
            throw Refusals.invalid(name + ": " + required());
        }
        for (int i = 0; i < values.size(); i++) {
            if (cString) {
                Refusals.requireCString(name + "[" + i + "]", values.get(i));
            }
        }
        return List.copyOf(values);
    }

    private String required() {
        return minItems == 1 ? "a non-empty array of strings is required"
                : minItems == 0 ? "an array of strings is required"
                : "an array of at least " + minItems + " strings is required";
    }

    @Override
    public Object write(List<String> value) {
        return value;
    }

    /** A list of one: the text form of a list is its items, one a time ({@link #parseAll}). */
    @Override
    public List<String> parse(String name, String text) {
        return check(name, List.of(text));
    }

    @Override
    public List<String> parseAll(String name, List<String> texts) {
        return check(name, texts);
    }

    @Override
    public String format(List<String> value) {
        return String.join(" ", value);
    }

    @Override
    public String schema() {
        return "type: array, items: {type: string}" + (minItems > 0 ? ", minItems: " + minItems : "");
    }
}
