package io.steward.api;

/** A number of bytes within {@code min..max} beyond an int's range (a memory limit); text forms as {@link BytesType}'s. */
public record LongBytesType(long min, long max) implements OptionType<Long> {
    @Override
    public Long read(String field, Object json) {
        return OptionType.readLong(field, json, min, max);
    }

    @Override
    public Object write(Long value) {
        return value;
    }

    @Override
    public Long parse(String name, String text) {
        return BytesType.parse(name, text, min, max);
    }

    @Override
    public String format(Long value) {
        return BytesType.shown(value);
    }

    @Override
    public String schema() {
        return "type: integer, minimum: " + min + ", maximum: " + max;
    }

    @Override
    public String range() {
        return BytesType.shown(min) + ".." + BytesType.shown(max);
    }
}
