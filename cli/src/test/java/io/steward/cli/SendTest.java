package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.StewardException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code send} types a line and its Enter; {@code --raw}, {@code -e} and {@code -} send what they are given. */
class SendTest extends WithDaemon {
    private void logsBecome(String id, String expected) throws InterruptedException {
        Cli.poll("the session's output to be " + expected, () -> {
            try {
                return ok("logs", id).equals(expected);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aLineIsTypedWithItsEnterAndTheRestAsGiven() throws Exception {
        String cat = ok("run", "--", "cat").strip();
        assertEquals("sent 10 bytes\n", ok("send", cat, "make test"));
        assertEquals("sent 7 bytes\n", ok("send", cat, "--raw", "as is: "));
        assertEquals("sent 1 byte\n", ok("send", cat, ""), "an empty line is an Enter");
        ok("send", cat, "-e", "a\\tb\\x41\\\\");
        ok("send", cat, "--raw", "-e", "\\x01\\r\\n");
        Cli.Result piped = stewardWithStdin("from stdin\nno end", "send", cat, "-");
        assertEquals(0, piped.code(), piped.err());
        assertEquals("sent 17 bytes\n", piped.out(), "stdin goes as it is: no newline added");
        logsBecome(cat, "make test\nas is: \na\tbA\\\n\u0001\r\nfrom stdin\nno end");
    }

    @Test
    void aPtyGetsTheLineAsIfTypedAtItsTerminal() throws Exception {
        String sh = ok("run", "--pty", "--", "sh", "-c", "read line; echo \"got <$line>\"").strip();
        ok("send", sh, "make test");
        Cli.poll("the shell to read the line", () -> {
            try {
                return ok("logs", sh).contains("got <make test>");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void whatCannotBeSentIsRefusedAndNothingIsSent() throws Exception {
        String cat = ok("run", "--", "cat").strip();
        Map<String, String> refusals = Map.of(
                "bad\\q", "steward: -e: unknown escape \\q; known: \\n, \\t, \\r, \\e, \\a, \\b, \\f, \\v, \\0, \\\\ and \\xHH\n",
                "half\\x4", "steward: -e: \\x takes two hex digits, as in \\x03\n",
                "lone\\", "steward: -e: a lone \\ at the end; write \\\\ for a backslash\n",
                "-", "steward: -e: applies to TEXT, while - sends our stdin as it is\n");
        for (var r : refusals.entrySet()) {
            Cli.Result refused = stewardWithStdin("x", "send", cat, "-e", r.getKey());
            assertEquals(2, refused.code(), r.getKey());
            assertEquals(r.getValue(), refused.err());
        }
        Cli.Result nothing = steward("send", cat, "--raw", "");
        assertEquals(2, nothing.code());
        assertEquals("steward: nothing to send: give TEXT, - for stdin, or --eof\n", nothing.err());
        ok("send", cat, "--raw", "last");
        logsBecome(cat, "last");
    }

    @Test
    void escapes() {
        assertArrayEquals(new byte[] {'\n', '\t', '\r', 0x1b, 7, '\b', '\f', 0x0b, 0, '\\', 3, (byte) 0xff},
                Escapes.interpret("-e", "\\n\\t\\r\\e\\a\\b\\f\\v\\0\\\\\\x03\\xFf"));
        assertArrayEquals("é€ plain".getBytes(StandardCharsets.UTF_8), Escapes.interpret("-e", "é€ plain"));
        assertTrue(assertThrows(StewardException.class, () -> Escapes.interpret("-e", "\\xg0")).getMessage()
                .startsWith("-e: \\x takes two hex digits"));
    }
}
