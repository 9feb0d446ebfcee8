package io.steward.api;

/** How an option's type refuses a value: invalid-input, in one line, naming where the value came from. */
final class Refusals {
    private Refusals() {}

    static void requireCString(String name, String value) {
        String problem = CStringRule.problem(value);
        if (problem != null) {
            throw invalid(name + ": " + problem);
        }
    }

    /** A value echoed in a refusal: quoted, control characters escaped, cut short, so the message stays one line. */
    static String quoted(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        StringBuilder b = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('\'').toString();
    }

    static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
