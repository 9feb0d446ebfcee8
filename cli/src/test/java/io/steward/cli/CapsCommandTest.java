package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.CapabilityMatrix;
import io.steward.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code steward caps}: the daemon's capability matrix, a row per category, as a table and as JSON. */
class CapsCommandTest extends WithDaemon {
    @Test
    void fourRowsAsJsonAndAsATable() throws Exception {
        CapabilityMatrix caps = CapabilityMatrix.fromJson(Json.parseObject(ok("caps", "--json")));
        assertEquals(List.of("lifecycle", "process", "file", "network", "checkpoint"),
                caps.capabilities().stream().map(CapabilityMatrix.Capability::category).toList());
        caps.capabilities().forEach(c -> assertTrue(!c.reason().isBlank() && !c.backend().isBlank(), c.toString()));
        List<String> table = ok("caps").lines().toList();
        assertEquals(List.of("CATEGORY", "SUPPORT", "BACKEND", "REASON"), List.of(table.getFirst().trim().split("\\s+")));
        assertEquals(6, table.size(), table.toString());
        assertTrue(table.get(2).startsWith("process"), table.toString());
    }
}
