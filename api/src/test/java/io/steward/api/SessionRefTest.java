package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionRefTest {
    @Test
    void idsPrefixesAndNamesPass() {
        for (String ref : List.of("wpu3ypko7a4i6xd5zwui74tjen", "wpu3yp", "web", "api.v2@host:8080", "a".repeat(64))) {
            assertEquals(ref, SessionRef.requireShape(ref));
        }
    }

    @Test
    void whatNoSessionCanHaveIsInvalidInputInOneShortLine() {
        for (String ref : List.of("a/b", "../x", "..", "%2e", "with space", "", ".hidden", "a".repeat(65),
                "x".repeat(10_000), "new\nline")) {
            StewardException e = assertThrows(StewardException.class, () -> SessionRef.requireShape(ref), ref);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("invalid session reference '"), e.getMessage());
            assertTrue(e.getMessage().length() < 250 && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
