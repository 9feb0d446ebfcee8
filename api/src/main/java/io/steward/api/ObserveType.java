package io.steward.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which categories of a session's activity to observe: {@code process}, {@code file},
 * {@code network}, or {@code all} of them. Typed as {@code process,file} or given more than once;
 * the value is the categories in that order, each once, so two requests asking the same compare equal.
 */
public record ObserveType() implements OptionType<List<String>> {
    /** The categories a session may ask for, in their order. */
    public static final List<String> CATEGORIES = List.of("process", "file", "network");

    @Override
    public List<String> read(String field, Object json) {
        return check(field, ITEMS.read(field, json));
    }

    /** The array's form: strings, at least one. */
    private static final TextListType ITEMS = new TextListType(1, false);

    private static List<String> check(String name, List<String> items) {
        Set<String> asked = new LinkedHashSet<>();
        for (String item : items) {
            if (item.equals("all")) {
                asked.addAll(CATEGORIES);
            } else if (CATEGORIES.contains(item)) {
                asked.add(item);
            } else {
                throw Refusals.invalid(name + ": expected process, file, network or all, not " + Refusals.quoted(item));
            }
        }
        if (asked.isEmpty()) {
            throw Refusals.invalid(name + ": at least one category is required");
        }
        return CATEGORIES.stream().filter(asked::contains).toList();
    }

    @Override
    public Object write(List<String> value) {
        return value;
    }

    @Override
    public List<String> parse(String name, String text) {
        return parseAll(name, List.of(text));
    }

    @Override
    public List<String> parseAll(String name, List<String> texts) {
        List<String> items = new ArrayList<>();
        for (String t : texts) {
            for (String part : t.split(",", -1)) {
                items.add(part.trim());
            }
        }
        return check(name, items);
    }

    @Override
    public String format(List<String> value) {
        return String.join(",", value);
    }

    @Override
    public String schema() {
        return "type: array, minItems: 1, items: {type: string, enum: [process, file, network, all]}";
    }

    @Override
    public String range() {
        return "process,file,network|all";
    }

    @Override
    public List<String> choices() {
        return List.of("process", "file", "network", "all");
    }
}
