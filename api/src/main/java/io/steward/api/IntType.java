package io.steward.api;

/** An integer within {@code min..max}. */
public record IntType(int min, int max) implements OptionType<Integer> {
    @Override
    public Integer read(String field, Object json) {
        return (int) OptionType.readLong(field, json, min, max);
    }

    @Override
    public Object write(Integer value) {
        return value.longValue();
    }

    @Override
    public Integer parse(String name, String text) {
        if (!text.matches("-?[0-9]{1,18}")) {
            throw Refusals.invalid(name + ": an integer is required, not " + Refusals.quoted(text));
        }
        long v = Long.parseLong(text);
        OptionType.within(name, v, min, max, text, String::valueOf);
        return (int) v;
    }

    @Override
    public String format(Integer value) {
        return value.toString();
    }

    @Override
    public String schema() {
        return "type: integer, minimum: " + min + ", maximum: " + max;
    }

    @Override
    public String range() {
        return min + ".." + max;
    }
}
