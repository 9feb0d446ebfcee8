package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code run --wait-ready} waits at most {@code --ready-timeout} (60 s, as apply), and says how long it waited. */
class WaitReadyTest extends WithDaemon {
    @Test
    void itGivesUpAtTheReadyTimeoutAndTheSessionRunsOn() throws Exception {
        long start = System.nanoTime();
        Cli.Result r = steward("run", "--name", "slow", "--wait-ready", "--ready-timeout", "700ms", "--", "sleep", "60");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().matches("steward: slow \\([a-z2-7]{8}\\) did not report ready \\(READY=1\\) within \\d+m?s"
                + " \\(--ready-timeout\\); it is still starting: steward stop slow ends it\n"), r.err());
        long said = io.steward.api.Durations.parse(r.err().replaceAll("(?s).*within (\\d+m?s).*", "$1")).toMillis();
        assertTrue(said >= 700 && said <= tookMs, "waited " + said + " ms of a run of " + tookMs + " ms");
        Cli.Result status = steward("status", "slow", "--json");
        assertEquals("running", Json.parseObject(status.out()).get("state"));
    }

    @Test
    void anEndBeforeReadyIsSaidWithTheTimeItTook() throws Exception {
        Cli.Result r = steward("run", "--wait-ready", "--", "sh", "-c", "sleep 0.3; exit 3");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().matches("steward: [a-z2-7]{8} ended before it reported ready, after \\d+m?s \\(exited 3\\)\n"), r.err());
    }

    @Test
    void theTimeoutIsBoundedAndBelongsToWaitReady() throws Exception {
        assertEquals(Duration.ofSeconds(60), RunCommand.READY_TIMEOUT);
        Cli.Result alone = steward("run", "--ready-timeout", "5s", "--", "true");
        assertEquals(2, alone.code());
        assertEquals("steward: --ready-timeout: needs --wait-ready, which it bounds\n", alone.err());
        Cli.Result zero = steward("run", "--wait-ready", "--ready-timeout", "0s", "--", "true");
        assertEquals(2, zero.code());
        assertEquals("steward: --ready-timeout: 0s outside 1ms..3650d\n", zero.err());
        String help = steward("run", "--help").out();
        assertTrue(help.contains("--ready-timeout=D") && help.contains("(default 60s)"), help);
        assertEquals("{\"sessions\":[]}\n", steward("ls", "--json").out(), "refused before anything started");
    }
}
