package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code steward reload}: the reload signal to the main process, and a notify session's READY=1 awaited, end to end. */
class ReloadCommandTest extends WithDaemon {
    @Test
    void reloadSendsHupToTheMainProcessAndANotifySessionMustSayReadyAgain() throws Exception {
        String loop = "while :; do sleep 0.05; done";
        ok("run", "--name", "hup", "--", "sh", "-c", "trap 'echo got-hup' HUP; echo up; " + loop);
        pollLogs("hup", "up\n");
        String said = ok("reload", "hup");
        assertTrue(said.matches("hup \\([a-z0-9]{8}\\): reload signal sent to pid \\d+\n"), said);
        pollLogs("hup", "up\ngot-hup\n");

        ok("run", "--name", "svc", "--wait-ready", "--reload-signal", "USR1", "--", "sh", "-c",
                "trap 'systemd-notify RELOADING=1; systemd-notify --ready' USR1; systemd-notify --ready; " + loop);
        String reloaded = ok("reload", "svc", "--timeout", "15s");
        assertTrue(reloaded.matches("svc \\([a-z0-9]{8}\\) reloaded\n"), reloaded);

        ok("run", "--name", "stuck", "--wait-ready", "--", "sh", "-c",
                "trap 'systemd-notify RELOADING=1' HUP; systemd-notify --ready; " + loop);
        Cli.Result timedOut = steward("reload", "stuck", "--timeout", "500ms");
        assertEquals(1, timedOut.code(), timedOut.err());
        assertTrue(timedOut.err().matches("steward: session [a-z0-9]+ did not say RELOADING=1 and then READY=1 within"
                + " 500ms of HUP to pid \\d+; it is still running\n"), timedOut.err());
        String ls = ok("ls");
        assertTrue(ls.lines().anyMatch(l -> l.contains("stuck") && l.contains("reloading")), "ls shows it reloading: " + ls);

        ok("run", "--name", "done", "--", "true");
        pollState("done", "exited");
        Cli.Result exited = steward("reload", "done");
        assertEquals(1, exited.code(), exited.err());
        assertTrue(exited.err().endsWith(" is exited, not running: there is nothing to reload\n"), exited.err());
    }
}
