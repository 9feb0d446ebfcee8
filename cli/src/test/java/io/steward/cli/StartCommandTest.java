package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code steward start}: an ended session runs again, a running one is left alone, end to end. */
class StartCommandTest extends WithDaemon {
    @Test
    void startRunsAnEndedSessionAgainAndLeavesARunningOneAlone() throws Exception {
        String job = ok("run", "--name", "job", "--label", "grp", "--", "sh", "-c", "echo job").strip();
        ok("run", "--name", "web", "--label", "grp", "--", "sh", "-c", "echo web; exec sleep 60");
        pollState("job", "exited");

        String said = ok("start", "job");
        assertEquals("starting job (" + job.substring(0, 8) + ")\n", said);
        pollLogs("job", "job\njob\n");
        pollState("job", "exited");
        Map<String, Object> status = status("job");
        assertEquals(job, status.get("id"), "the same session");
        assertEquals(1L, ((Number) status.get("restarts")).longValue());

        String running = ok("start", "web");
        assertTrue(running.matches("web \\([a-z0-9]{8}\\) is already running\n"), running);
        Map<String, Object> asIs = Json.parseObject(ok("start", "web", "--json"));
        assertEquals("running", asIs.get("state"));
        assertEquals(0L, ((Number) asIs.get("restarts")).longValue());

        // the label's ended sessions start; the running one is left alone
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> started = (List<Map<String, Object>>) Json.parseObject(
                ok("start", "--label", "grp", "--json")).get("sessions");
        assertEquals(List.of("job"), started.stream().map(s -> s.get("name")).toList());
        pollLogs("job", "job\njob\njob\n");
        assertEquals("web\n", ok("logs", "web"));

        Cli.Result unknown = steward("start", "nosuch");
        assertEquals(3, unknown.code(), unknown.err());
        assertTrue(unknown.err().startsWith("steward: no session 'nosuch'"), unknown.err());

        Cli.Result neither = steward("start");
        assertEquals(2, neither.code(), neither.err());
        assertEquals("steward: start: give one of SESSION, --label L or --all\n", neither.err());
    }

    @Test
    void startWaitsForReadinessWhenAsked() throws Exception {
        // it runs on after READY=1: a wait asked once it has ended would rightly hear it ended, however slow the client
        ok("run", "--name", "svc", "--wait-ready", "--", "sh", "-c", "systemd-notify --ready; echo up; exec sleep 60");
        ok("stop", "svc", "--grace", "2s");
        pollState("svc", "exited");
        String said = ok("start", "svc", "--wait-ready", "--ready-timeout", "15s");
        assertTrue(said.matches("svc \\([a-z0-9]{8}\\) is ready\n"), said);
        assertEquals(1L, ((Number) status("svc").get("restarts")).longValue());
        ok("kill", "svc");
    }
}
