package io.steward.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API socket's listen backlog is the system's maximum ({@code net.core.somaxconn}), 4096 when unreadable. */
class ListenBacklogSizeTest {
    @TempDir
    Path tmp;

    @Test
    void theBacklogIsTheSystemMaximum() throws Exception {
        Path somaxconn = Path.of("/proc/sys/net/core/somaxconn");
        int expected = Files.isReadable(somaxconn) ? Integer.parseInt(Files.readAllLines(somaxconn).getFirst().strip())
                : 4096;
        assertEquals(expected, ApiServer.listenBacklog(somaxconn));
        assertTrue(expected >= 128, "somaxconn " + expected);
        assertEquals(4096, ApiServer.listenBacklog(tmp.resolve("no-such-file")));
        Path garbage = Files.writeString(tmp.resolve("garbage"), "many\n");
        assertEquals(4096, ApiServer.listenBacklog(garbage));
    }
}
