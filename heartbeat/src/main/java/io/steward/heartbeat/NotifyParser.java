package io.steward.heartbeat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads sd_notify datagrams the way systemd's service manager does, so programs written for systemd
 * work under steward unchanged:
 * <ul>
 *   <li>a datagram is newline-separated {@code KEY=VALUE} lines; empty lines and unknown keys are
 *       ignored (the protocol grows, and senders add keys for newer managers);
 *   <li>flags count only as the exact line ({@code READY=1}; {@code READY=0} means nothing);
 *   <li>for a key with a value the <em>first</em> line decides, as systemd looks keys up from the
 *       start — a later duplicate is ignored, and an unusable first value is not rescued by a
 *       later good one;
 *   <li>an unusable value drops that key only, and is counted in
 *       {@link NotifyMessage#ignoredFields()}.
 * </ul>
 * Whole datagrams are refused ({@link NotifyRefusal}) when empty, over 4096 bytes, holding a NUL, or
 * mixing {@code BARRIER=1} with anything else. Numbers are plain ASCII decimal digits (no sign, no
 * blanks): what every sd_notify implementation sends. Never throws on any input.
 */
public final class NotifyParser {
    /** systemd's notify buffer (PIPE_BUF): larger datagrams are dropped, not truncated. */
    public static final int MAX_DATAGRAM = 4096;
    /** systemd's ERRNO_MAX: the largest value an errno can take on Linux. */
    static final int ERRNO_MAX = 4095;

    private NotifyParser() {
    }

    public static NotifyResult parse(byte[] datagram) {
        return parse(datagram, 0, datagram.length);
    }

    public static NotifyResult parse(byte[] buf, int off, int len) {
        if (len == 0) {
            return new NotifyResult.Refused(NotifyRefusal.EMPTY);
        }
        if (len > MAX_DATAGRAM) {
            return new NotifyResult.Refused(NotifyRefusal.TOO_LARGE);
        }
        for (int i = off; i < off + len; i++) {
            if (buf[i] == 0) {
                return new NotifyResult.Refused(NotifyRefusal.EMBEDDED_NUL);
            }
        }
        Fields f = new Fields();
        int lines = 0;
        int start = off;
        for (int i = off; i <= off + len; i++) {
            if (i == off + len || buf[i] == '\n') {
                if (i > start) {
                    lines++;
                    f.line(buf, start, i);
                }
                start = i + 1;
            }
        }
        if (f.barrier && lines > 1) {
            return new NotifyResult.Refused(NotifyRefusal.BARRIER_NOT_ALONE);
        }
        return new NotifyResult.Accepted(f.message());
    }

    /** The fields seen so far; {@code seen*} marks a key whose first line was already taken. */
    private static final class Fields {
        boolean ready, reloading, stopping, barrier;
        boolean seenStatus, seenWatchdog, seenWatchdogUsec, seenExtend, seenMainPid, seenErrno;
        Optional<String> status = Optional.empty();
        NotifyMessage.Watchdog watchdog = NotifyMessage.Watchdog.NONE;
        OptionalLong watchdogUsec = OptionalLong.empty();
        OptionalLong extendTimeoutUsec = OptionalLong.empty();
        OptionalInt mainPid = OptionalInt.empty();
        OptionalInt errno = OptionalInt.empty();
        int ignored;

        void line(byte[] buf, int from, int to) {
            // Keys are ASCII; Latin-1 maps every byte to one char, so offsets stay byte offsets.
            String line = new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
            int eq = line.indexOf('=');
            if (eq < 0) {
                return;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (key) {
                case "READY" -> ready |= value.equals("1");
                case "RELOADING" -> reloading |= value.equals("1");
                case "STOPPING" -> stopping |= value.equals("1");
                case "BARRIER" -> barrier |= value.equals("1");
                case "STATUS" -> {
                    if (!seenStatus) {
                        seenStatus = true;
                        status = utf8(buf, from + eq + 1, to);
                        ignoreIf(status.isEmpty());
                    }
                }
                case "WATCHDOG" -> {
                    if (!seenWatchdog) {
                        seenWatchdog = true;
                        watchdog = switch (value) {
                            case "1" -> NotifyMessage.Watchdog.PING;
                            case "trigger" -> NotifyMessage.Watchdog.TRIGGER;
                            default -> NotifyMessage.Watchdog.NONE;
                        };
                        ignoreIf(watchdog == NotifyMessage.Watchdog.NONE);
                    }
                }
                case "WATCHDOG_USEC" -> {
                    if (!seenWatchdogUsec) {
                        seenWatchdogUsec = true;
                        watchdogUsec = u64(value);
                        ignoreIf(watchdogUsec.isEmpty());
                    }
                }
                case "EXTEND_TIMEOUT_USEC" -> {
                    if (!seenExtend) {
                        seenExtend = true;
                        extendTimeoutUsec = u64(value);
                        ignoreIf(extendTimeoutUsec.isEmpty());
                    }
                }
                case "MAINPID" -> {
                    if (!seenMainPid) {
                        seenMainPid = true;
                        mainPid = intIn(value, 1, Integer.MAX_VALUE);
                        ignoreIf(mainPid.isEmpty());
                    }
                }
                case "ERRNO" -> {
                    if (!seenErrno) {
                        seenErrno = true;
                        errno = intIn(value, 0, ERRNO_MAX);
                        ignoreIf(errno.isEmpty());
                    }
                }
                default -> {
                    // unknown or not ours (FDSTORE=, MONOTONIC_USEC=, ...): ignored, as systemd ignores what it does not know
                }
            }
        }

        private void ignoreIf(boolean unusable) {
            if (unusable) {
                ignored++;
            }
        }

        NotifyMessage message() {
            return new NotifyMessage(ready, reloading, stopping, status, watchdog, watchdogUsec,
                    extendTimeoutUsec, mainPid, errno, barrier, ignored);
        }
    }

    private static Optional<String> utf8(byte[] buf, int from, int to) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, from, to - from))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Decimal u64 (as a long's bits), or empty for anything else, overflow included. */
    static OptionalLong u64(String s) {
        String digits = significantDigits(s);
        if (digits == null || digits.length() > 20) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(digits));
        } catch (NumberFormatException overflow) {
            return OptionalLong.empty();
        }
    }

    static OptionalInt intIn(String s, int min, int max) {
        String digits = significantDigits(s);
        if (digits == null || digits.length() > 10) {
            return OptionalInt.empty();
        }
        long v = Long.parseLong(digits);
        return v >= min && v <= max ? OptionalInt.of((int) v) : OptionalInt.empty();
    }

    /** {@code s} without leading zeros ("0" for zero), or null unless it is one or more ASCII digits. */
    private static String significantDigits(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int first = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            if (first < 0 && c != '0') {
                first = i;
            }
        }
        return first < 0 ? "0" : s.substring(first);
    }
}
