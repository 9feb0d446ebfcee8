package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The backslash escapes of {@code send -e}, as {@code echo -e} reads them: {@code \n}, {@code \t},
 * {@code \r}, {@code \e}, {@code \0}, {@code \\} and {@code \xHH} (any byte, so Ctrl-C is {@code \x03}).
 * An escape it does not know is refused, so a typo is not sent as it stands.
 */
final class Escapes {
    private static final String KNOWN = "\\n, \\t, \\r, \\e, \\a, \\b, \\f, \\v, \\0, \\\\ and \\xHH";

    private Escapes() {}

    static byte[] interpret(String flag, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int plain = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '\\') {
                continue;
            }
            out.writeBytes(text.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            if (i + 1 >= text.length()) {
                throw refused(flag, "a lone \\ at the end; write \\\\ for a backslash");
            }
            char c = text.charAt(++i);
            switch (c) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'e' -> out.write(0x1b);
                case 'a' -> out.write(0x07);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'v' -> out.write(0x0b);
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                    int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
                    if (lo < 0) {
                        throw refused(flag, "\\x takes two hex digits, as in \\x03");
                    }
                    out.write(hi << 4 | lo);
                    i += 2;
                }
                default -> throw refused(flag, "unknown escape \\" + c + "; known: " + KNOWN);
            }
            plain = i + 1;
        }
        out.writeBytes(text.substring(plain).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static StewardException refused(String flag, String why) {
        return new StewardException(ErrorCode.INVALID_INPUT, flag + ": " + why);
    }
}
