package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void readsWhatInstantWritesAsInstantReadsIt() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(0, 253_402_300_799L); // up to 9999-12-31T23:59:59
            // whole seconds, millis, micros and nanos: Instant.toString writes 0, 3, 6 or 9 digits
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(t, Timestamps.parse(t.toString()), t.toString());
        }
        assertEquals(Instant.EPOCH, Timestamps.parse("1970-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-12-02T16:01:02.5Z"), Timestamps.parse("2026-12-02T16:01:02.5Z"));
    }

    @Test
    void otherFormsGoToTheFullParserAndFailAsItDoes() {
        assertEquals(Instant.parse("2026-12-02T16:01:02+01:00"), Timestamps.parse("2026-12-02T16:01:02+01:00"));
        for (String bad : new String[] {"2026-02-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-02T25:00:00Z", 
                "2026-12-02T16:01:02.1234567890Z", "2026-12-0xT16:01:02Z", "yesterday"}) {
            assertThrows(DateTimeParseException.class, () -> Timestamps.parse(bad), bad);
        }
    }
}
