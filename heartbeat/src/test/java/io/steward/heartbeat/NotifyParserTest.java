package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NotifyParserTest {

    private static NotifyMessage accepted(String datagram) {
        return accepted(datagram.getBytes(StandardCharsets.UTF_8));
    }

    private static NotifyMessage accepted(byte[] datagram) {
        return assertInstanceOf(NotifyResult.Accepted.class, NotifyParser.parse(datagram)).message();
    }

    private static NotifyRefusal refused(byte[] datagram) {
        return assertInstanceOf(NotifyResult.Refused.class, NotifyParser.parse(datagram)).reason();
    }

    @Test
    void readsEveryKeyStewardUses() {
        NotifyMessage m = accepted("READY=1\nSTATUS=Serving 3 clients\nWATCHDOG=1\nWATCHDOG_USEC=5000000\n"
                + "EXTEND_TIMEOUT_USEC=18446744073709551615\nMAINPID=4711\nERRNO=2\n");
        assertTrue(m.ready());
        assertFalse(m.stopping());
        assertFalse(m.reloading());
        assertEquals(Optional.of("Serving 3 clients"), m.status());
        assertEquals(NotifyMessage.Watchdog.PING, m.watchdog());
        assertEquals(OptionalLong.of(5_000_000), m.watchdogUsec());
        assertEquals(OptionalLong.of(-1L), m.extendTimeoutUsec(), "u64 max kept as the long's bits");
        assertEquals(OptionalInt.of(4711), m.mainPid());
        assertEquals(OptionalInt.of(2), m.errno());
        assertFalse(m.barrier());
        assertEquals(0, m.ignoredFields());
    }

    @Test
    void aBareDatagramHasNothingSet() {
        NotifyMessage m = accepted("X_CUSTOM=1\nFDSTORE=1\n\n\nno equals sign");
        assertEquals(new NotifyMessage(false, false, false, Optional.empty(), NotifyMessage.Watchdog.NONE,
                OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(), false, 0), m);
    }

    @Test
    void flagsCountOnlyAsTheExactLine() {
        assertFalse(accepted("READY=0").ready());
        assertFalse(accepted("READY=1 ").ready());
        assertFalse(accepted("ready=1").ready());
        assertTrue(accepted("STOPPING=1\nRELOADING=1\nREADY=1").stopping());
        assertTrue(accepted("RELOADING=1").reloading());
    }

    @Test
    void watchdogTriggerAndNonsense() {
        assertEquals(NotifyMessage.Watchdog.TRIGGER, accepted("WATCHDOG=trigger").watchdog());
        NotifyMessage m = accepted("WATCHDOG=2");
        assertEquals(NotifyMessage.Watchdog.NONE, m.watchdog());
        assertEquals(1, m.ignoredFields());
    }

    @Test
    void theFirstLineOfAKeyDecidesAsInSystemd() {
        assertEquals(Optional.of("one"), accepted("STATUS=one\nSTATUS=two").status());
        NotifyMessage m = accepted("MAINPID=abc\nMAINPID=12");
        assertEquals(OptionalInt.empty(), m.mainPid(), "a bad first value is not rescued by a later one");
        assertEquals(1, m.ignoredFields());
    }

    @Test
    void unusableValuesDropTheirKeyAndAreCounted() {
        NotifyMessage m = accepted("MAINPID=0\nERRNO=4096\nEXTEND_TIMEOUT_USEC=18446744073709551616\n"
                + "WATCHDOG_USEC=-5\nREADY=1");
        assertTrue(m.ready(), "the rest of the datagram still counts");
        assertEquals(OptionalInt.empty(), m.mainPid());
        assertEquals(OptionalInt.empty(), m.errno());
        assertEquals(OptionalLong.empty(), m.extendTimeoutUsec());
        assertEquals(OptionalLong.empty(), m.watchdogUsec());
        assertEquals(4, m.ignoredFields());
        assertEquals(OptionalInt.of(7), accepted("MAINPID=0007").mainPid(), "leading zeros are still decimal");
        assertEquals(OptionalInt.empty(), accepted("MAINPID=2147483648").mainPid());
        assertEquals(OptionalInt.empty(), accepted("MAINPID= 7").mainPid());
        assertEquals(OptionalInt.of(0), accepted("ERRNO=0").errno());
    }

    @Test
    void statusMustBeUtf8AndMayBeEmpty() {
        assertEquals(Optional.of("é ✓"), accepted("STATUS=é ✓").status());
        assertEquals(Optional.of(""), accepted("STATUS=").status(), "empty clears the status text");
        assertEquals(Optional.of("a=b"), accepted("STATUS=a=b").status());
        byte[] latin1 = "STATUS=caf\u00e9\nREADY=1".getBytes(StandardCharsets.ISO_8859_1);
        NotifyMessage m = accepted(latin1);
        assertEquals(Optional.empty(), m.status());
        assertEquals(1, m.ignoredFields());
        assertTrue(m.ready());
    }

    @Test
    void barrierMustBeAlone() {
        assertTrue(accepted("BARRIER=1\n").barrier());
        assertEquals(NotifyRefusal.BARRIER_NOT_ALONE, refused("BARRIER=1\nREADY=1".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void refusesWholeDatagrams() {
        assertEquals(NotifyRefusal.EMPTY, refused(new byte[0]));
        assertEquals(NotifyRefusal.EMBEDDED_NUL, refused("READY=1\0STATUS=x".getBytes(StandardCharsets.US_ASCII)));
        byte[] big = new byte[NotifyParser.MAX_DATAGRAM + 1];
        Arrays.fill(big, (byte) 'a');
        assertEquals(NotifyRefusal.TOO_LARGE, refused(big));
        byte[] limit = Arrays.copyOf("READY=1\nSTATUS=".getBytes(StandardCharsets.US_ASCII), NotifyParser.MAX_DATAGRAM);
        Arrays.fill(limit, 15, limit.length, (byte) 'x');
        NotifyMessage m = accepted(limit);
        assertTrue(m.ready());
        assertEquals(NotifyParser.MAX_DATAGRAM - 15, m.status().orElseThrow().length());
        assertEquals("too-large", NotifyRefusal.TOO_LARGE.wire());
    }

    @Test
    void parsesASliceOfALargerBuffer() {
        byte[] buf = "garbage\0READY=1\0garbage".getBytes(StandardCharsets.US_ASCII);
        NotifyResult r = NotifyParser.parse(buf, 8, 7);
        assertTrue(assertInstanceOf(NotifyResult.Accepted.class, r).message().ready());
    }
}
