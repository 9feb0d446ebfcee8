package io.steward.api;

/** How a request refuses a value: invalid-input, in one line, naming where the value came from. */
public final class Refusals {
    private Refusals() {}

    /**
     * Refuses a body with a field not {@code known} or a field set to JSON null, so a typo or a
     * client's bug never silently falls back to a default.
     *
     * @param unknownHint appended to the refusal of an unknown field (may be empty)
     */
    public static void requireKnownFields(java.util.Map<String, Object> body,
            java.util.function.Predicate<String> known, String unknownHint) {
        for (java.util.Map.Entry<String, Object> e : body.entrySet()) {
            if (!known.test(e.getKey())) {
                throw invalid("unknown field '" + e.getKey() + "'" + unknownHint);
            }
            if (e.getValue() == null) {
                throw invalid(e.getKey() + ": null is not a value here; leave the field out for its default");
            }
        }
    }

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
