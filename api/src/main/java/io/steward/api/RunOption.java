package io.steward.api;

import java.util.function.Function;

/**
 * One option of {@code run}, under each of its names: the field of {@code POST /v1/sessions}, the
 * CLI flag and the key of an apps file. The declarations are in {@link RunOptions}.
 *
 * @param wire the field of the JSON body ({@code ringBytes})
 * @param flag the CLI flag ({@code --ring-bytes}); null for the command, which is positional. A
 *     boolean's flag turns on what is off by default, or off what is on ({@code --no-log-file})
 * @param key the key of an app in an apps file ({@code ring-bytes})
 * @param label what the CLI help calls the value ({@code N}, {@code D}); null for a boolean
 * @param type the value's type, which reads, checks and writes it
 * @param defaultValue what the daemon takes when the option is left out; null when there is none
 * @param value the option's value in a request, null when left out
 * @param doc one line saying what it does
 */
public record RunOption<T>(String wire, String flag, String key, String label, OptionType<T> type, T defaultValue,
        Function<RunRequestBody, T> value, String doc) {

    /** Whether the CLI flag turns the option off (a boolean on by default). */
    public boolean negatedFlag() {
        return Boolean.TRUE.equals(defaultValue);
    }

    /** The default as a person writes it ({@code 5s}, {@code 1M}), or null when there is none. */
    public String defaultText() {
        return defaultValue == null ? null : type.format(defaultValue);
    }

    @Override
    public String toString() {
        return wire;
    }
}
