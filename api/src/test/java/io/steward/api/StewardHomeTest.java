package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StewardHomeTest {
    @Test
    void stewardHomeWinsThenXdgThenHome() {
        assertEquals(Path.of("/s"), StewardHome.from(Map.of("STEWARD_HOME", "/s", "XDG_STATE_HOME", "/x"), "/h").dir());
        assertEquals(Path.of("/x/steward"), StewardHome.from(Map.of("XDG_STATE_HOME", "/x"), "/h").dir());
        assertEquals(Path.of("/h/.local/state/steward"), StewardHome.from(Map.of(), "/h").dir());
    }

    @Test
    void socketDefaultsInsideHomeUnlessSet() {
        assertEquals(Path.of("/s/steward.sock"), StewardHome.from(Map.of("STEWARD_HOME", "/s"), "/h").socket());
        assertEquals(Path.of("/run/x.sock"),
                StewardHome.from(Map.of("STEWARD_HOME", "/s", "STEWARD_SOCKET", "/run/x.sock"), "/h").socket());
    }
}
