package io.steward.api;

import java.time.Duration;

/** A duration: milliseconds on the wire, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d} as text. */
public record MillisType(long minMs) implements OptionType<Duration> {
    /** The longest duration any field takes: ten years, far below 2^53 ms and within a Duration's nanoseconds. */
    public static final long MAX_MS = Duration.ofDays(3650).toMillis();

    @Override
    public Duration read(String field, Object json) {
        return Duration.ofMillis(OptionType.readLong(field, json, minMs, MAX_MS));
    }

    @Override
    public Object write(Duration value) {
        return value.toMillis();
    }

    @Override
    public Duration parse(String name, String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (StewardException e) {
            throw Refusals.invalid(name + ": " + e.getMessage());
        }
        long ms = d.compareTo(Duration.ofMillis(MAX_MS)) > 0 ? Long.MAX_VALUE : d.toMillis();
        OptionType.within(name, ms, minMs, MAX_MS, text, v -> Durations.format(Duration.ofMillis(v)));
        return d;
    }

    @Override
    public String format(Duration value) {
        return Durations.format(value);
    }

    @Override
    public String schema() {
        return "type: integer, minimum: " + minMs + ", maximum: " + MAX_MS;
    }
}
