package io.steward.api;

import java.util.Locale;

/**
 * Whether a string can reach a program as a C string in UTF-8 (an argument, a variable, a path): a
 * NUL would cut it short, and half a surrogate pair has no UTF-8 form (an encoder would put '?' in
 * its place), so both are refused rather than silently changed.
 */
public final class CStringRule {
    private CStringRule() {}

    /** Why {@code value} cannot be passed to a program as a C string in UTF-8, or null when it can. */
    public static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return "contains a NUL byte";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                        + "), which has no UTF-8 form";
            }
        }
        return null;
    }
}
