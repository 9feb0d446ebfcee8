package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A user's reload: its signal to the main process, and for a notify session RELOADING=1 then READY=1. */
class ReloadVerbTest extends DaemonFixture {
    /** A shell that runs until killed, its child a sleep that would die of a HUP sent to the group. */
    private static final String LOOP = "while :; do sleep 0.05; done";

    @Test
    void aPlainSessionsMainProcessGetsHupAndItsGroupDoesNot() throws Exception {
        Path children = home.resolve("child");
        SessionInfo s = run("name", "hup", "argv", List.of("sh", "-c",
                "trap 'echo got-hup' HUP; sleep 300 & echo $! > " + children + "; echo up; " + LOOP));
        poll("it runs", () -> text(s.id()).equals("up\n"));
        long child = Long.parseLong(Files.readString(children).strip());

        SessionInfo answer = client.sessions().reload("hup");
        assertEquals(SessionState.RUNNING, answer.state());
        poll("the trap's line", () -> text(s.id()).equals("up\ngot-hup\n"));
        SessionEvent.Reloading reloading = event(SessionEvent.Reloading.class, s.id());
        assertEquals("HUP", reloading.signal());
        assertEquals(s.pid(), reloading.pid());
        assertTrue(Files.exists(Path.of("/proc/" + child)), "the rest of the group was not signalled");
        assertEquals(s.pid(), client.sessions().get("hup").pid(), "the same process runs on");
        assertEquals(null, answer.heartbeat().reloading(), "without a notify socket there is nothing to tell");
        assertEquals("HUP", answer.reloadSignal());
    }

    @Test
    void itsReloadSignalIsItsOwnAndAnUnknownOneIsRefused() throws Exception {
        SessionInfo s = run("argv", List.of("sh", "-c", "trap 'echo got-usr1' USR1; echo up; " + LOOP),
                "reloadSignal", "SIGUSR1");
        assertEquals("USR1", s.reloadSignal(), "kept by its name, without SIG");
        poll("it runs", () -> text(s.id()).equals("up\n"));
        client.sessions().reload(s.id());
        poll("the trap's line", () -> text(s.id()).equals("up\ngot-usr1\n"));
        assertEquals("USR1", event(SessionEvent.Reloading.class, s.id()).signal());

        var bad = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"reloadSignal\":\"NOPE\"}");
        assertEquals(400, bad.status());
        assertTrue(new String(bad.body()).contains("reloadSignal: unknown signal 'NOPE'"), new String(bad.body()));
    }

    @Test
    void aNotifySessionIsAwaitedUntilReloadingThenReady() throws Exception {
        Path gate = home.resolve("gate");
        SessionInfo s = run("name", "svc", "notify", true, "argv", List.of("sh", "-c",
                "trap 'echo got-hup; systemd-notify RELOADING=1; while [ ! -e " + gate + " ]; do sleep 0.02; done;"
                        + " systemd-notify --ready; echo told-ready' HUP; systemd-notify --ready; " + LOOP));
        assertEquals(true, client.sessions().awaitReady(s.id(), Duration.ofSeconds(15)).heartbeat().ready());

        CompletableFuture<SessionInfo> reload = CompletableFuture.supplyAsync(
                () -> client.sessions().reload("svc", Duration.ofSeconds(15)));
        poll("RELOADING=1 seen", () -> Boolean.TRUE.equals(client.sessions().get("svc").heartbeat().reloading()));
        SessionInfo meanwhile = client.sessions().get("svc");
        assertEquals(true, meanwhile.heartbeat().ready(), "a reloading session stays ready");
        assertFalse(meanwhile.heartbeat().stalled());
        assertFalse(reload.isDone(), "no READY=1 yet: the reload is still awaited");

        Files.createFile(gate);
        SessionInfo done = reload.get(15, TimeUnit.SECONDS);
        assertEquals(false, done.heartbeat().reloading());
        assertEquals(true, done.heartbeat().ready());
        HeartbeatEvent.Reloaded reloaded = event(HeartbeatEvent.Reloaded.class, s.id());
        assertTrue(reloaded.seq() > event(SessionEvent.Reloading.class, s.id()).seq(), "reloading, then reloaded");
        assertEquals(SessionState.RUNNING, done.state());
        assertTrue(text(s.id()).startsWith("got-hup\n"), text(s.id()));
    }

    @Test
    void aNotifySessionThatNeverSaysReadyAgainTimesOut() throws Exception {
        SessionInfo s = run("notify", true, "argv", List.of("sh", "-c",
                "trap 'systemd-notify RELOADING=1; echo reloading' HUP; systemd-notify --ready; " + LOOP));
        client.sessions().awaitReady(s.id(), Duration.ofSeconds(15));

        long start = System.nanoTime();
        StewardException e = assertThrows(StewardException.class,
                () -> client.sessions().reload(s.id(), Duration.ofMillis(700)));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ErrorCode.NOT_READY, e.code());
        assertEquals("session " + s.id() + " did not say RELOADING=1 and then READY=1 within 700ms of HUP to pid "
                + s.pid() + "; it is still running", e.getMessage());
        assertTrue(waited >= 700, "waited " + waited + " ms");
        SessionInfo after = client.sessions().get(s.id());
        assertEquals(SessionState.RUNNING, after.state());
        assertEquals(true, after.heartbeat().reloading(), "it said RELOADING=1 and nothing since");

        // the wait that gave up lets the next reload ask
        assertEquals(ErrorCode.NOT_READY, assertThrows(StewardException.class,
                () -> client.sessions().reload(s.id(), Duration.ofMillis(100))).code());
    }

    @Test
    void anExitedSessionIsAConflict() throws Exception {
        String id = run("argv", List.of("true")).id();
        waitExit(id);
        StewardException e = assertThrows(StewardException.class, () -> client.sessions().reload(id));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals("session " + id + " is exited, not running: there is nothing to reload", e.getMessage());
    }
}
