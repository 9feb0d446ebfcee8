package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.core.ProcStat;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code env -i setsid -f}: no originator tag, a session of its own, its parent gone at once. It
 * is its session's from birth all the same, and ends with it however the session ends.
 */
class EscapeTest extends DaemonFixture {
    /** A sleep of a length no other process uses, so it can be found in /proc. */
    private final String mark = "7" + (System.nanoTime() % 100_000);

    private String runEscaping() {
        return run("argv", List.of("sh", "-c", "env -i setsid -f sleep " + mark + "; exec sleep 600")).id();
    }

    private ProcStat escapee() {
        poll("the escapee", () -> find().isPresent());
        return find().orElseThrow();
    }

    private Optional<ProcStat> find() {
        return ProcStat.all().stream().filter(p -> ProcStat.cmdline(p.pid()).equals(List.of("sleep", mark)))
                .findFirst();
    }

    private static void gone(ProcStat p) {
        poll("pid " + p.pid() + " gone", () -> !ProcStat.isAlive(p.pid(), p.startTicks()));
    }

    @Test
    void aStopEndsTheEscapee() {
        String id = runEscaping();
        ProcStat e = escapee();
        assertTrue(e.session() == e.pid(), "it leads a session of its own");
        client.sessions().stop(id, Duration.ofSeconds(2), true);
        gone(e);
    }

    @Test
    void aKillEndsTheEscapee() {
        String id = runEscaping();
        ProcStat e = escapee();
        client.sessions().kill(id);
        waitExit(id);
        gone(e);
    }

    @Test
    void aDaemonStopEndsTheEscapee() throws Exception {
        runEscaping();
        ProcStat e = escapee();
        server.close();
        daemon.close(); // the fixture's own stop finds it closed
        gone(e);
    }
}
