package io.steward.api;

import java.util.regex.Pattern;

/**
 * A string of at most {@code maxLength} characters; with {@code form}, one that matches it
 * ({@code expected} says what that is); with {@code cString}, one a program can take
 * ({@link CStringRule}).
 */
public record TextType(int maxLength, boolean cString, Pattern form, String expected) implements OptionType<String> {
    /** No limit of length but the body's. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Any string up to {@code maxLength} characters. */
    public TextType(int maxLength) {
        this(maxLength, false, null, null);
    }

    @Override
    public String read(String field, Object json) {
        if (!(json instanceof String s)) {
            throw Refusals.invalid(field + ": a string is required");
        }
        return parse(field, s);
    }

    @Override
    public Object write(String value) {
        return value;
    }

    @Override
    public String parse(String name, String text) {
        if (cString) {
            Refusals.requireCString(name, text);
        }
        if (maxLength != UNLIMITED && text.length() > maxLength) {
            throw Refusals.invalid(name + ": at most " + maxLength + " characters");
        }
        if (form != null && !form.matcher(text).matches()) {
            throw Refusals.invalid(name + ": " + expected + ", not " + Refusals.quoted(text));
        }
        return text;
    }

    @Override
    public String format(String value) {
        return value;
    }

    @Override
    public String schema() {
        return "type: string" + (maxLength != UNLIMITED ? ", maxLength: " + maxLength : "")
                + (form != null ? ", pattern: \"^" + form.pattern() + "$\"" : "");
    }
}
