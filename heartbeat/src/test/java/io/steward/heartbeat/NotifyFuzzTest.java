package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzzes the sd_notify parser: it never throws, and whole-datagram refusals follow their rules. */
class NotifyFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"READY=1", "RELOADING=1", "STOPPING=1", "STATUS=", "WATCHDOG=1", "WATCHDOG=trigger",
        "WATCHDOG_USEC=", "EXTEND_TIMEOUT_USEC=", "MAINPID=", "ERRNO=", "BARRIER=1",
        "18446744073709551615", "4095", "2147483647"})
    void parse(byte[] datagram) {
        NotifyResult result = NotifyParser.parse(datagram);

        // the same bytes inside a larger buffer read the same
        byte[] padded = new byte[datagram.length + 6];
        System.arraycopy(datagram, 0, padded, 3, datagram.length);
        assertEquals(result, NotifyParser.parse(padded, 3, datagram.length));

        NotifyRefusal expected = datagram.length == 0 ? NotifyRefusal.EMPTY
                : datagram.length > NotifyParser.MAX_DATAGRAM ? NotifyRefusal.TOO_LARGE
                : hasNul(datagram) ? NotifyRefusal.EMBEDDED_NUL
                : null;
        switch (result) {
            case NotifyResult.Refused(NotifyRefusal reason) -> {
                if (expected != null) {
                    assertEquals(expected, reason);
                } else {
                    assertEquals(NotifyRefusal.BARRIER_NOT_ALONE, reason);
                    assertTrue(new String(datagram, StandardCharsets.ISO_8859_1).lines().anyMatch("BARRIER=1"::equals));
                }
            }
            case NotifyResult.Accepted(NotifyMessage m) -> {
                assertEquals(null, expected);
                assertTrue(m.ignoredFields() >= 0 && m.ignoredFields() <= 6, "at most one per value key");
                m.mainPid().ifPresent(pid -> assertTrue(pid > 0));
                m.errno().ifPresent(e -> assertTrue(e >= 0 && e <= 4095));
                m.status().ifPresent(s -> assertTrue(s.indexOf('\n') < 0));
            }
        }
    }

    private static boolean hasNul(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }
}
