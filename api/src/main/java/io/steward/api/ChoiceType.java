package io.steward.api;

import java.util.List;

/** One of an enum's wire names. */
public record ChoiceType<E extends Enum<E> & Json.Wire>(List<E> values) implements OptionType<E> {
    @Override
    public E read(String field, Object json) {
        if (!(json instanceof String s)) {
            throw Refusals.invalid(field + ": a string is required");
        }
        return parse(field, s);
    }

    @Override
    public Object write(E value) {
        return value.wire();
    }

    @Override
    public E parse(String name, String text) {
        for (E e : values) {
            if (e.wire().equals(text)) {
                return e;
            }
        }
        List<String> names = choices();
        throw Refusals.invalid(name + ": expected " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                + names.getLast() + ", not " + Refusals.quoted(text));
    }

    @Override
    public String format(E value) {
        return value.wire();
    }

    @Override
    public String schema() {
        return "type: string, enum: [" + String.join(", ", choices()) + "]";
    }

    @Override
    public String range() {
        return String.join("|", choices());
    }

    @Override
    public List<String> choices() {
        return values.stream().map(Json.Wire::wire).toList();
    }
}
