package io.steward.api;

/**
 * What addresses a session: its id, a unique prefix of it (6+ characters), or its name. Ids are
 * lower-case letters and digits, so every reference has the form of a name ({@link RunOptions#NAME_FORM}),
 * and one without it can address no session.
 */
public final class SessionRef {
    private SessionRef() {}

    /**
     * {@code ref}, or {@code invalid-input} when no session can have it: a slash, a space, or 10,000
     * characters never reach a request (which the HTTP server would refuse with its own words).
     */
    public static String requireShape(String ref) {
        if (ref == null || !RunOptions.NAME_FORM.matcher(ref).matches()) {
            throw Refusals.invalid("invalid session reference " + (ref == null ? "(none)" : Refusals.quoted(ref))
                    + ": expected an id, an id prefix of at least 6 characters, or a name (up to 64 letters, digits"
                    + " and . _ @ : -)");
        }
        return ref;
    }
}
