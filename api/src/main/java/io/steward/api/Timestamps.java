package io.steward.api;

import java.time.Instant;

/**
 * Reads the instants the daemon writes ({@link Instant#toString}: {@code 2026-12-02T16:01:02.123456Z}).
 * That form is read by hand: {@link Instant#parse} builds the whole java.time formatter machinery,
 * about ten milliseconds of every short CLI command that lists a session. Any other form goes to it.
 */
final class Timestamps {
    private Timestamps() {}

    static Instant parse(String s) {
        Instant fast = utc(s);
        return fast != null ? fast : Instant.parse(s);
    }

    /** {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z}, or null when {@code s} is not in that form. */
    private static Instant utc(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, fraction);
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return null;
        }
        if (day > daysIn(year, month)) {
            return null; // say, 31 February: the full parser gives the error
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /*
     * Calendar arithmetic by hand: java.time's LocalDate reaches Year, whose initialiser builds a
     * DateTimeFormatter, the very cost this class avoids.
     */
    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (years from March, so leap days come last). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** The number written by {@code len} decimal digits at {@code from}; -1 when one is not a digit. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
