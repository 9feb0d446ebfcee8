package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.StewardException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PtyTest extends RuntimeTestBase {
    private ManagedProcess pty(int rows, int cols, String... argv) {
        return runtime.spawn(ProcessSpec.builder(argv).pty(rows, cols).build());
    }

    private static String screen(ManagedProcess p) {
        return new String(p.stdout().read(0, Integer.MAX_VALUE).data(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void childSeesATerminalOfTheRequestedSize() throws Exception {
        ManagedProcess p = pty(33, 101, "sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo is-a-tty; stty size");
        assertEquals(0, p.waitFor().code());
        String out = text(p.stdout());
        assertTrue(out.contains("is-a-tty"), out);
        assertTrue(out.contains("33 101"), out);
    }

    @Test
    void resizeIsSeenByStty() throws Exception {
        ManagedProcess p = pty(24, 80, "sh");
        StdinSink in = p.stdin().orElseThrow();
        p.resize(40, 120);
        in.offer("stty size\n".getBytes(StandardCharsets.US_ASCII));
        Poll.until("stty size after resize", () -> screen(p).contains("40 120"));
        in.offer("exit 5\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(5, p.waitFor().code());
    }

    @Test
    void rawControlBytesArriveUnchanged() throws Exception {
        // ESC sequences, BEL, SOH, backspace, a lone CR: what a TUI writes, untouched by the line discipline.
        ManagedProcess p = pty(24, 80, "printf", "\\033[2J\\033[1;31mred\\033[0m\\007\\001\\010\\r");
        p.waitFor();
        byte[] expect = "\033[2J\033[1;31mred\033[0m\007\001\010\r".getBytes(StandardCharsets.ISO_8859_1);
        byte[] got = readAll(p.stdout());
        assertEquals(new String(expect, StandardCharsets.ISO_8859_1), new String(got, StandardCharsets.ISO_8859_1));
    }

    @Test
    void inputReachesTheChildAndEofIsCtrlD() throws Exception {
        ManagedProcess p = pty(24, 80, "cat");
        StdinSink in = p.stdin().orElseThrow();
        in.offer("hello\n".getBytes(StandardCharsets.US_ASCII));
        Poll.until("echo of hello", () -> screen(p).contains("hello\r\nhello\r\n"));
        in.close();
        assertEquals(0, p.waitFor().code());
    }

    @Test
    void closingItsTerminalDoesNotHangUpAChildThatLivesOn() throws Exception {
        // The slave side closes (output ends) while the child still runs: the master must stay open,
        // or the hang-up would kill it with SIGHUP.
        ManagedProcess p = pty(24, 80, "sh", "-c", "echo bye; exec 0<&- 1>&- 2>&-; sleep 0.3; exit 7");
        assertEquals("bye\r\n", text(p.stdout()));
        ExitStatus s = p.waitFor();
        assertEquals(0, s.signal(), s.toString());
        assertEquals(7, s.code());
    }

    @Test
    void resizeOfAPipeSessionIsUnsupported() throws Exception {
        ManagedProcess p = spawn("sleep", "30");
        StewardException e = assertThrows(StewardException.class, () -> p.resize(10, 10));
        assertEquals(io.steward.api.ErrorCode.UNSUPPORTED, e.code());
        p.kill();
        p.waitFor();
    }
}
