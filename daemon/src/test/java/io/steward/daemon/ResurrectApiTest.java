package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.HeartbeatEvent;
import io.steward.api.Json;
import io.steward.api.SessionEvent;
import io.steward.client.StewardClient;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.Events;
import io.steward.daemon.state.Apps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code save} records what is meant to run, and {@code resurrect} brings exactly that back, in the
 * order and at the pace an apply would: against a real daemon, stopped and opened again on its home.
 */
class ResurrectApiTest extends DaemonFixture {
    /** As {@code steward daemon stop} and a boot's restart do: every session stopped, the same home opened again. */
    private void restartDaemon() throws Exception {
        daemon.shutdown(Duration.ofSeconds(2));
        server.close();
        daemon.close();
        daemon = Daemon.open(stewardHome, beats());
        server = ApiServer.start(daemon);
        client = new StewardClient(stewardHome);
    }

    private Map<String, Object> phaseOf(String name) {
        return client.session(name);
    }

    private static List<?> names(Map<String, Object> answer, String key) {
        return (List<?>) answer.get(key);
    }

    @Test
    void aFinishedJobAndAnErroredAppAreNeitherSavedNorStartedAgain() throws Exception {
        run("name", "job", "argv", List.of("sh", "-c", "exit 0"));
        run("name", "flaky", "argv", List.of("sh", "-c", "exit 1"), "restart", "on-failure", "maxRestarts", 1L,
                "restartWindowMs", 60_000L);
        run("name", "api", "argv", List.of("sleep", "600"));
        run("name", "worker", "argv", List.of("sleep", "600"));
        client.stop("worker", 2000, true);
        waitExit("job");
        poll("flaky errored", () -> "errored".equals(phaseOf("flaky").get("phase")));

        assertEquals(List.of("api", "worker"), client.save().get("saved"),
                "what ended by itself is not meant to run; what a user stopped stays, as stopped");

        restartDaemon();
        Map<String, Object> first = client.resurrect();
        assertEquals(List.of("api"), names(first, "started"));
        assertEquals(List.of("worker"), names(first, "stopped"));
        assertEquals(List.of(), names(first, "failed"));
        assertEquals(List.of("api"), client.list(true).stream().map(s -> s.get("name")).toList(),
                "neither the job nor the errored app ran again");

        Map<String, Object> second = client.resurrect();
        assertEquals(List.of(), names(second, "started"), "idempotent");
        assertEquals(List.of("api"), names(second, "running"));
        assertEquals(1, client.list(true).size());
    }

    @Test
    void aJobThatEndsByItselfAfterTheSaveIsNotStartedAgain() throws Exception {
        run("name", "job", "argv", List.of("head", "-c", "1"));
        run("name", "api", "argv", List.of("sleep", "600"), "restart", "on-failure");
        assertEquals(List.of("api", "job"), names(client.save(), "saved").stream().sorted().toList());
        client.send("job", "x".getBytes(), false);
        assertEquals(0, ((Number) waitExit("job").get("exitCode")).intValue());

        for (int i = 0; i < 2; i++) {
            Map<String, Object> r = client.resurrect();
            assertEquals(List.of(), names(r, "started"), r.toString());
            assertEquals(List.of("api"), names(r, "running"));
            assertEquals(List.of("job"), names(r, "ended"), "done, not meant to run again");
        }
        poll("the job's end recorded", () -> daemon.sessions().apps().find("job").desired() == Apps.Desired.ENDED);
        assertEquals(Apps.Desired.RUNNING, daemon.sessions().apps().find("api").desired());
        restartDaemon();
        Map<String, Object> atBoot = client.resurrect();
        assertEquals(List.of("api"), names(atBoot, "started"), "the daemon's own stop is no reason to stay down");
        assertEquals(List.of("job"), names(atBoot, "ended"));

        run("name", "job", "argv", List.of("sleep", "600"));
        assertEquals(List.of("api", "job"), names(client.save(), "saved").stream().sorted().toList());
        restartDaemon();
        assertEquals(List.of("api", "job"), names(client.resurrect(), "started"),
                "started again by hand: meant to run again");
    }

    @Test
    void resurrectStartsEachAppOnceItsDependencyIsReady() throws Exception {
        Map<String, Object> db = Json.object("name", "db", "request", Json.object("argv",
                List.of("sh", "-c", "read go; systemd-notify --ready; exec sleep 600"), "notify", true));
        Map<String, Object> api = Json.object("name", "api", "request", Json.object("argv", List.of("sleep", "601")),
                "after", List.of("db"));
        CompletableFuture<Map<String, Object>> apply = CompletableFuture.supplyAsync(
                () -> client.apply(Json.object("apps", List.of(db, api))));
        readyWhenTold("db");
        apply.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("api", "db"), names(client.save(), "saved").stream().sorted().toList());
        restartDaemon();

        CompletableFuture<Map<String, Object>> resurrect = CompletableFuture.supplyAsync(client::resurrect);
        try {
            poll("db started", () -> client.list(false).stream().anyMatch(s -> "db".equals(s.get("name"))));
            assertFalse(client.list(false).stream().anyMatch(s -> "api".equals(s.get("name"))),
                    "api waits for db to say READY=1");
            assertFalse(resurrect.isDone());
            readyWhenTold("db");
            Map<String, Object> r = resurrect.get(20, TimeUnit.SECONDS);
            assertEquals(List.of("db", "api"), names(r, "started"), "dependency order, not the names'");
        } finally {
            resurrect.cancel(true);
        }
        assertTrue(event(HeartbeatEvent.Ready.class, null).seq() < startedSeq("api"), "api starts after db said READY=1");
        assertEquals(true, daemon.sessions().apps().find("api").managed(), "still the apps file's");

        Map<String, Object> again = client.apply(Json.object("apps", List.of(db, api)));
        assertEquals(List.of("unchanged", "unchanged"), ((List<?>) again.get("actions")).stream()
                .map(a -> ((Map<?, ?>) a).get("action")).toList(), "resurrected as the file had them");
    }

    @Test
    void aDependentOfAnAppTheUserStoppedIsNotStartedAndSaysWhy() throws Exception {
        Map<String, Object> db = Json.object("name", "db", "request", Json.object("argv", List.of("sleep", "600")));
        Map<String, Object> api = Json.object("name", "api", "request", Json.object("argv", List.of("sleep", "601")),
                "after", List.of("db"));
        Map<String, Object> web = Json.object("name", "web", "request", Json.object("argv", List.of("sleep", "602")));
        client.apply(Json.object("apps", List.of(db, api, web)));
        client.stop("db", 2000, true);
        client.save();
        restartDaemon();

        Map<String, Object> r = client.resurrect();
        assertEquals(List.of("web"), names(r, "started"), "the others go on");
        assertEquals(List.of("db"), names(r, "stopped"));
        Map<?, ?> failed = (Map<?, ?>) names(r, "failed").getFirst();
        assertEquals("api", failed.get("name"));
        assertEquals("not-ready", failed.get("code"));
        assertEquals("app \"api\" not started: \"db\" is not running (stopped by you)", failed.get("detail"));
        assertEquals(List.of("web"), client.list(true).stream().map(s -> s.get("name")).toList());
    }

    /** Lets a session that reads a line before it says READY=1 go on, once it runs. */
    private void readyWhenTold(String name) {
        poll(name + " started", () -> client.list(false).stream().anyMatch(s -> name.equals(s.get("name"))));
        client.send(name, "go\n".getBytes(), false);
    }

    private long startedSeq(String name) throws InterruptedException {
        try (Events.Subscription sub = daemon.events().subscribe(0)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                Events.Published e = sub.next(100, TimeUnit.MILLISECONDS);
                if (e != null && e.event() instanceof SessionEvent.Started s && name.equals(s.name())) {
                    return s.seq();
                }
            }
        }
        throw new AssertionError("no started event for " + name);
    }
}
