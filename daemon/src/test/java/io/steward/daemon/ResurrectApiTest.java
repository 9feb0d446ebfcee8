package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ApplyResult;
import io.steward.api.ErrorCode;
import io.steward.api.HeartbeatEvent;
import io.steward.api.Json;
import io.steward.api.ResurrectResult;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
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

    @Test
    void aFinishedJobAndAnErroredAppAreNeitherSavedNorStartedAgain() throws Exception {
        run("name", "job", "argv", List.of("sh", "-c", "exit 0"));
        run("name", "flaky", "argv", List.of("sh", "-c", "exit 1"), "restart", "on-failure", "maxRestarts", 1L,
                "restartWindowMs", 60_000L);
        run("name", "api", "argv", List.of("sleep", "600"));
        run("name", "worker", "argv", List.of("sleep", "600"));
        client.sessions().stop("worker", Duration.ofSeconds(2), true);
        waitExit("job");
        poll("flaky errored", () -> client.sessions().get("flaky").phase() == SessionInfo.Phase.ERRORED);

        assertEquals(List.of("api", "worker"), client.apps().save().saved(),
                "what ended by itself is not meant to run; what a user stopped stays, as stopped");

        restartDaemon();
        ResurrectResult first = client.apps().resurrect();
        assertEquals(List.of("api"), first.started());
        assertEquals(List.of("worker"), first.stopped());
        assertEquals(List.of(), first.failed());
        assertEquals(List.of("api"), names(true), "neither the job nor the errored app ran again");

        ResurrectResult second = client.apps().resurrect();
        assertEquals(List.of(), second.started(), "idempotent");
        assertEquals(List.of("api"), second.running());
        assertEquals(1, names(true).size());
    }

    @Test
    void aJobThatEndsByItselfAfterTheSaveIsNotStartedAgain() throws Exception {
        run("name", "job", "argv", List.of("head", "-c", "1"));
        run("name", "api", "argv", List.of("sleep", "600"), "restart", "on-failure");
        assertEquals(List.of("api", "job"), saved());
        client.sessions().send("job", "x".getBytes(), false);
        assertEquals(0, waitExit("job").exitCode());

        for (int i = 0; i < 2; i++) {
            ResurrectResult r = client.apps().resurrect();
            assertEquals(List.of(), r.started(), r.toString());
            assertEquals(List.of("api"), r.running());
            assertEquals(List.of("job"), r.ended(), "done, not meant to run again");
        }
        poll("the job's end recorded", () -> daemon.sessions().apps().find("job").desired() == Apps.Desired.ENDED);
        assertEquals(Apps.Desired.RUNNING, daemon.sessions().apps().find("api").desired());
        restartDaemon();
        ResurrectResult atBoot = client.apps().resurrect();
        assertEquals(List.of("api"), atBoot.started(), "the daemon's own stop is no reason to stay down");
        assertEquals(List.of("job"), atBoot.ended());

        run("name", "job", "argv", List.of("sleep", "600"));
        assertEquals(List.of("api", "job"), saved());
        restartDaemon();
        assertEquals(List.of("api", "job"), client.apps().resurrect().started(),
                "started again by hand: meant to run again");
    }

    @Test
    void resurrectStartsEachAppOnceItsDependencyIsReady() throws Exception {
        Map<String, Object> db = Json.object("name", "db", "request", Json.object("argv",
                List.of("sh", "-c", "read go; systemd-notify --ready; exec sleep 600"), "notify", true));
        Map<String, Object> api = Json.object("name", "api", "request", Json.object("argv", List.of("sleep", "601")),
                "after", List.of("db"));
        CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(
                () -> client.apps().apply(Json.object("apps", List.of(db, api))));
        readyWhenTold("db");
        apply.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("api", "db"), saved());
        restartDaemon();

        CompletableFuture<ResurrectResult> resurrect = CompletableFuture.supplyAsync(() -> client.apps().resurrect());
        try {
            poll("db started", () -> names(false).contains("db"));
            assertFalse(names(false).contains("api"), "api waits for db to say READY=1");
            assertFalse(resurrect.isDone());
            readyWhenTold("db");
            ResurrectResult r = resurrect.get(20, TimeUnit.SECONDS);
            assertEquals(List.of("db", "api"), r.started(), "dependency order, not the names'");
        } finally {
            resurrect.cancel(true);
        }
        assertTrue(event(HeartbeatEvent.Ready.class, null).seq() < startedSeq("api"), "api starts after db said READY=1");
        assertEquals(true, daemon.sessions().apps().find("api").managed(), "still the apps file's");

        ApplyResult again = client.apps().apply(Json.object("apps", List.of(db, api)));
        assertEquals(List.of(ApplyResult.Kind.UNCHANGED, ApplyResult.Kind.UNCHANGED), again.actions().stream()
                .map(ApplyResult.Action::action).toList(), "resurrected as the file had them");
    }

    @Test
    void aDependentOfAnAppTheUserStoppedIsNotStartedAndSaysWhy() throws Exception {
        Map<String, Object> db = Json.object("name", "db", "request", Json.object("argv", List.of("sleep", "600")));
        Map<String, Object> api = Json.object("name", "api", "request", Json.object("argv", List.of("sleep", "601")),
                "after", List.of("db"));
        Map<String, Object> web = Json.object("name", "web", "request", Json.object("argv", List.of("sleep", "602")));
        client.apps().apply(Json.object("apps", List.of(db, api, web)));
        client.sessions().stop("db", Duration.ofSeconds(2), true);
        client.apps().save();
        restartDaemon();

        ResurrectResult r = client.apps().resurrect();
        assertEquals(List.of("web"), r.started(), "the others go on");
        assertEquals(List.of("db"), r.stopped());
        assertEquals(List.of(new ResurrectResult.Failure("api", ErrorCode.NOT_READY,
                "app \"api\" not started: \"db\" is not running (stopped by you)")), r.failed());
        assertEquals(List.of("web"), names(true));
    }

    /** Lets a session that reads a line before it says READY=1 go on, once it runs. */
    private void readyWhenTold(String name) {
        poll(name + " started", () -> names(false).contains(name));
        client.sessions().send(name, "go\n".getBytes(), false);
    }

    /** A save, and the names it saved in order of name. */
    private List<String> saved() {
        return client.apps().save().saved().stream().sorted().toList();
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
