package io.steward.api;

import java.time.Duration;

/** Durations as users write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d}. */
public final class Durations {
    private Durations() {}

    /** Read by hand, not with a regex: every CLI command loads this class, few of them parse. */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        int digits = 0;
        while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
            digits++;
        }
        String unit = t.substring(digits);
        if (digits == 0 || digits > 12 || !(unit.equals("ms") || unit.equals("s") || unit.equals("m")
                || unit.equals("h") || unit.equals("d"))) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "invalid duration '" + text + "': expected a number with ms, s, m, h or d, e.g. 30s");
        }
        long n = Long.parseLong(t, 0, digits, 10);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest exact form: {@code 1500ms}, {@code 30s}, {@code 5m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
