package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code steward restart}: one session by reference, or every running one of a label, end to end. */
class RestartCommandTest extends WithDaemon {
    @Test
    void restartRunsTheSameSessionAgainAndALabelRestartsEachOfIt() throws Exception {
        String web = ok("run", "--name", "web", "--label", "grp", "--", "sh", "-c", "echo web; exec sleep 60").strip();
        ok("run", "--name", "api", "--label", "grp", "--", "sh", "-c", "echo api; exec sleep 60");
        ok("run", "--name", "db", "--", "sh", "-c", "echo db; exec sleep 60");
        pollLogs("web", "web\n");
        pollLogs("api", "api\n");

        String said = ok("restart", "web", "--grace", "2s");
        assertTrue(said.startsWith("web (" + web.substring(0, 8) + ")"), said);
        pollLogs("web", "web\nweb\n");
        Map<String, Object> status = Json.parseObject(ok("status", "web", "--json"));
        assertEquals(web, status.get("id"), "the same session");
        assertEquals(1L, ((Number) status.get("restarts")).longValue());

        // Each after the other, so wait for web's restart to run before the label takes it again.
        Cli.poll("web running", () -> {
            try {
                return "running".equals(Json.parseObject(ok("status", "web", "--json")).get("state"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> restarted = (List<Map<String, Object>>) Json.parseObject(
                ok("restart", "--label", "grp", "--json")).get("sessions");
        assertEquals(List.of("web", "api"), restarted.stream().map(s -> s.get("name")).toList());
        pollLogs("web", "web\nweb\nweb\n");
        pollLogs("api", "api\napi\n");
        assertEquals("db\n", ok("logs", "db"), "outside the label: left alone");
        assertEquals(0L, ((Number) Json.parseObject(ok("status", "db", "--json")).get("restarts")).longValue());

        Cli.Result neither = steward("restart");
        assertEquals(2, neither.code(), neither.err());
        assertEquals("steward: restart: give one of SESSION, --label L or --all\n", neither.err());
    }
}
