package io.steward.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A GET never changes anything: the dashboard's listener lets a GET through without the page's
 * Origin, which a cross-site link or image can send. Every route that changes state is POST or
 * DELETE; a new GET route must be added here, read-only, on purpose.
 */
class RouteMethodsTest {
    /** The routes a GET reads: each only reads. Attach is a WebSocket, whose upgrade needs the page's Origin. */
    private static final Set<Route> READ_ONLY = EnumSet.of(Route.METRICS, Route.HEALTH, Route.CAPABILITIES,
            Route.PORTS, Route.BEATS, Route.EVENTS, Route.LIST, Route.SESSION, Route.OUTPUT, Route.LOGS,
            Route.SESSION_PORTS, Route.SESSION_TREE, Route.SAMPLES, Route.SESSION_EVENTS, Route.CHECKPOINTS,
            Route.CHECKPOINT_INFO, Route.ATTACH);

    @Test
    void everyGetIsReadOnlyAndEveryOtherMethodIsPostOrDelete() {
        Set<String> unexpected = new TreeSet<>();
        for (Route r : Route.values()) {
            boolean get = r.method.equals("GET");
            if (get != READ_ONLY.contains(r) || !List.of("GET", "POST", "DELETE").contains(r.method)) {
                unexpected.add(r + " " + r.method);
            }
        }
        assertEquals(Set.of(), unexpected, "routes whose method says the wrong thing about what they change");
    }
}
