package io.steward.sys;

import java.util.Locale;
import java.util.Optional;

/** Signal numbers (Linux generic numbering: x86_64 and aarch64 agree) and their names without "SIG". */
public enum Signal {
    HUP(1), INT(2), QUIT(3), ILL(4), TRAP(5), ABRT(6), BUS(7), FPE(8), KILL(9), USR1(10), SEGV(11),
    USR2(12), PIPE(13), ALRM(14), TERM(15), STKFLT(16), CHLD(17), CONT(18), STOP(19), TSTP(20),
    TTIN(21), TTOU(22), URG(23), XCPU(24), XFSZ(25), VTALRM(26), PROF(27), WINCH(28), IO(29),
    PWR(30), SYS(31);

    private static final Signal[] BY_NUMBER = new Signal[32];

    static {
        for (Signal s : values()) {
            BY_NUMBER[s.number] = s;
        }
    }

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Accepts {@code TERM}, {@code SIGTERM}, {@code term} or {@code 15}. */
    public static Optional<Signal> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String t = text.toUpperCase(Locale.ROOT);
        if (t.chars().allMatch(Character::isDigit)) {
            try {
                return ofNumber(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        try {
            return Optional.of(valueOf(t));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Optional<Signal> ofNumber(int number) {
        return number > 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** The name of a signal number, e.g. {@code TERM}, or {@code SIG34} for real-time signals. */
    public static String nameOf(int number) {
        return ofNumber(number).map(Enum::name).orElse("SIG" + number);
    }
}
