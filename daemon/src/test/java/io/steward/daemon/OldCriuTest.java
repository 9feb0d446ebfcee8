package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.Json;
import io.steward.client.UnixHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Debian 12's own CRIU (3.17.1) cannot dump on kernels since 6.13: the capability says why in
 * CRIU's words, and a checkpoint is refused with that one line, changing nothing.
 */
class OldCriuTest {
    private static final Path DEBIAN_CRIU = Path.of("/usr/sbin/criu");

    @Test
    void theCapabilityNamesTheVdsoFailureAndACheckpointIsRefusedWithIt() throws Exception {
        assumeTrue(Files.isExecutable(DEBIAN_CRIU), "no /usr/sbin/criu: .ci/run installs Debian's criu package");
        assumeTrue(io.steward.core.CriuProbe.version(DEBIAN_CRIU).startsWith("3."), "the machine's criu is not 3.x");
        assumeTrue(io.steward.sys.Libc.getuid() == 0, "CRIU dumps as root here");
        try (ExternalDaemon d = ExternalDaemon.start(Map.of("STEWARD_CRIU", DEBIAN_CRIU.toString()))) {
            String row = checkpointRow(d);
            assertTrue(row.contains("vDSO"), row);
            assertTrue(row.contains("need CRIU >= 4.1"), row);

            String id = d.client.sessions().run(io.steward.api.RunRequestBody.fromJson(
                    Json.object("argv", List.of("sleep", "600")))).id();
            UnixHttp.Response r = d.client.raw("POST", "/v1/sessions/" + id + "/checkpoint", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(501, r.status(), r.text());
            Map<String, Object> problem = Json.parseObject(r.text());
            assertEquals("unsupported", problem.get("code"));
            String detail = (String) problem.get("detail");
            assertTrue(detail.contains("vDSO") && !detail.contains("\n"), detail);
            assertEquals("running", d.client.sessions().get(id).state().wire(), "the session runs on");
            assertFalse(Files.exists(d.home.resolve("store/index.json"))
                    && Files.readString(d.home.resolve("store/index.json")).contains("sha256"), "nothing recorded");
        }
    }

    private static String checkpointRow(ExternalDaemon d) {
        String caps = d.client.raw("GET", "/v1/capabilities", "application/json", null).text();
        for (Object o : (List<?>) Json.parseObject(caps).get("capabilities")) {
            Map<?, ?> row = (Map<?, ?>) o;
            if ("checkpoint".equals(row.get("category"))) {
                return (String) row.get("reason");
            }
        }
        throw new AssertionError("no checkpoint row in " + caps);
    }
}
