package io.steward.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes within {@code min..max}; its text form may end in a unit, K, M or G (powers of
 * 1024, in either case, alone or followed by {@code B} or {@code iB}: {@code 64K}, {@code 64kb},
 * {@code 64KiB}), or in {@code B}.
 */
public record BytesType(int min, int max) implements OptionType<Integer> {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,12})(?:([KMGkmg])(?:i?[Bb])?|[Bb])?");

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
        return (int) parse(name, text, min, max);
    }

    /** The text form of a size, checked against {@code min..max}: the one parser of every size option. */
    static long parse(String name, String text, long min, long max) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw Refusals.invalid(name + ": a size in bytes is required, e.g. 65536, 64K or 1M, not " + Refusals.quoted(text));
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        long n = Long.parseLong(m.group(1));
        long v = n > Long.MAX_VALUE >> shift ? Long.MAX_VALUE : n << shift;
        OptionType.within(name, v, min, max, text, BytesType::shown);
        return v;
    }

    @Override
    public String format(Integer value) {
        return shown(value);
    }

    /** The shortest exact form: {@code 4K}, {@code 1M}, {@code 12345}. */
    static String shown(long bytes) {
        for (int shift = 30; shift > 0; shift -= 10) {
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + "KMG".substring(shift / 10 - 1, shift / 10);
            }
        }
        return Long.toString(bytes);
    }

    @Override
    public String schema() {
        return "type: integer, minimum: " + min + ", maximum: " + max;
    }

    @Override
    public String range() {
        return shown(min) + ".." + shown(max);
    }
}
