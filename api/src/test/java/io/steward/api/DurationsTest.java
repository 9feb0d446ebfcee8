package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesEveryUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(6), Durations.parse("6h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "5", "s", "-1s", "1.5s", "5 s", "5sec", "9999999999999s"}) {
            StewardException e = assertThrows(StewardException.class, () -> Durations.parse(bad), bad);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
        }
        assertThrows(StewardException.class, () -> Durations.parse(null));
    }

    @Test
    void formatsTheShortestExactForm() {
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("2d", Durations.format(Duration.ofDays(2)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void errorCodesRoundTripTheirWireNames() {
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c, ErrorCode.fromWire(c.wire()).orElseThrow());
        }
        assertEquals("already-attached", ErrorCode.ALREADY_ATTACHED.wire());
    }
}
