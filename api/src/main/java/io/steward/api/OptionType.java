package io.steward.api;

import java.math.BigInteger;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The type of a run option's value, and the one place its form and range are checked: read from a
 * JSON body, written back, parsed from the text a person types (a CLI argument, a string of an apps
 * file), and described as JSON Schema for openapi.yaml. Every refusal is {@code invalid-input} in
 * one line that starts with the name it was given: a body's field, a CLI flag, a file's key.
 */
public sealed interface OptionType<T>
        permits BoolType, IntType, BytesType, LongBytesType, MillisType, ChoiceType, TextType, TextListType, TextMapType,
        ObserveType {
    /** The value of {@code field} of a JSON body. */
    T read(String field, Object json);

    /** The value as JSON. */
    Object write(T value);

    /** The value from its text form ({@code 30s}, {@code 64K}, {@code on-failure}). */
    T parse(String name, String text);

    /**
     * The value from the texts of a flag or key given more than once: the last, for most types;
     * all of them, for a list (its items) or a map (its entries).
     */
    default T parseAll(String name, List<String> texts) {
        return parse(name, texts.getLast());
    }

    /** The text form {@link #parse} reads. */
    String format(T value);

    /** The JSON Schema of the wire value: the entries of a YAML flow mapping, e.g. {@code type: boolean}. */
    String schema();

    /** What a person may give, for help: {@code 1..10000}, {@code never|on-failure|always}; empty when the type says it. */
    default String range() {
        return "";
    }

    /** The values there are, for shell completion; empty when they cannot be listed. */
    default List<String> choices() {
        return List.of();
    }

    /** An integer within {@code min..max} of a JSON body: a fraction, a string or a number beyond a long is refused. */
    static long readLong(String field, Object json, long min, long max) {
        if (json instanceof BigInteger big) {
            throw Refusals.invalid(field + ": " + big + " outside " + min + ".." + max);
        }
        if (!(json instanceof Long l)) {
            throw Refusals.invalid(field + ": an integer is required");
        }
        within(field, l, min, max, l.toString(), String::valueOf);
        return l;
    }

    /**
     * The one range check: {@code value} (given as {@code given}) within {@code min..max}, the bounds
     * shown by {@code show} in the refusal.
     */
    static void within(String name, long value, long min, long max, String given, LongFunction<String> show) {
        if (value < min || value > max) {
            throw Refusals.invalid(name + ": " + given + " outside " + show.apply(min) + ".." + show.apply(max));
        }
    }
}
