package io.steward.cli;

import java.util.ArrayList;
import java.util.List;

/** The keys in what a raw terminal sent: plain characters, and the escape sequences of arrows and pages. */
final class TopKeys {
    /** A key: a character, or one of the named keys. */
    record Key(Named named, char ch) {
        static Key of(char c) {
            return new Key(Named.CHAR, c);
        }

        static Key of(Named n) {
            return new Key(n, '\0');
        }

        boolean is(char c) {
            return named == Named.CHAR && ch == c;
        }
    }

    enum Named { CHAR, UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END, ESCAPE }

    private TopKeys() {}

    /**
     * The keys in {@code n} bytes read at once. An escape alone is the Esc key: a terminal sends a
     * sequence whole, so its bytes arrive in one read. Unknown sequences are dropped.
     */
    static List<Key> decode(byte[] buf, int n) {
        List<Key> keys = new ArrayList<>();
        int i = 0;
        while (i < n) {
            byte b = buf[i];
            if (b != 0x1b) {
                keys.add(Key.of((char) (b & 0xff)));
                i++;
                continue;
            }
            if (i + 1 >= n || buf[i + 1] != '[' && buf[i + 1] != 'O') {
                keys.add(Key.of(Named.ESCAPE));
                i++;
                continue;
            }
            // CSI or SS3: parameters, then a final byte in @..~
            int end = i + 2;
            while (end < n && (buf[end] < 0x40 || buf[end] > 0x7e)) {
                end++;
            }
            if (end >= n) {
                break; // cut short: nothing to act on
            }
            Named named = switch (new String(buf, i + 2, end - i - 1, java.nio.charset.StandardCharsets.US_ASCII)) {
                case "A" -> Named.UP;
                case "B" -> Named.DOWN;
                case "5~" -> Named.PAGE_UP;
                case "6~" -> Named.PAGE_DOWN;
                case "H", "1~", "7~" -> Named.HOME;
                case "F", "4~", "8~" -> Named.END;
                default -> null;
            };
            if (named != null) {
                keys.add(Key.of(named));
            }
            i = end + 1;
        }
        return keys;
    }
}
