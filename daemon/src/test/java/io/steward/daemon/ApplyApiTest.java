package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ApplyResult;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.daemon.state.Apps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/apply} against a real daemon: the whole body is checked before anything changes. */
class ApplyApiTest extends DaemonFixture {
    private static Map<String, Object> app(String name, Object... more) {
        Map<String, Object> app = Json.object("name", name, "request",
                Json.object("argv", List.of("sleep", "60"), "restart", "on-failure"));
        for (int i = 0; i < more.length; i += 2) {
            app.put((String) more[i], more[i + 1]);
        }
        return app;
    }

    private StewardException refused(Object... apps) {
        return assertThrows(StewardException.class, () -> apply(Json.object("apps", List.of(apps))));
    }

    private ApplyResult apply(Map<String, Object> body) {
        return client.apps().apply(body);
    }

    /** What an apply did, as {@code action name} lines in order. */
    private static List<String> done(ApplyResult r) {
        return r.actions().stream().map(a -> a.action().wire() + " " + a.name()).toList();
    }

    @Test
    void oneBadRequestRefusesTheWholeApplyAndStartsNothing() {
        StewardException e = refused(app("db"), Json.object("name", "api", "request",
                Json.object("argv", List.of("sleep", "60"), "ringBytes", 12L)));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("app \"api\": ringBytes: 12 outside"), e.getMessage());
        assertEquals(List.of(), names(true));

        assertTrue(refused(app("db"), app("db")).getMessage().contains("used twice"));
        assertTrue(refused(app("api", "after", List.of("db"))).getMessage().contains("no app named \"db\""));
        assertTrue(refused(app("a", "after", List.of("b")), app("b", "after", List.of("a")))
                .getMessage().contains("cycle: a -> b -> a"));
        assertTrue(refused(app("a", "readyPort", 70_000L)).getMessage().contains("readyPort"));
        assertTrue(refused(app("a", "readyTimeoutMs", 0L)).getMessage().startsWith("app \"a\": readyTimeoutMs: 0 outside"));
        assertTrue(refused(app("a", "readyTimeoutMs", -5L)).getMessage().startsWith("app \"a\": readyTimeoutMs: -5"));
        assertTrue(refused(app("a", "restart", "always")).getMessage().contains("unknown field 'restart'"));
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> apply(Json.object("apps", List.of(), "force", true))).code());
        assertEquals(List.of(), names(true));
    }

    @Test
    void aDependencyIsAwaitedForItsOwnReadyTimeout() {
        Map<String, Object> silent = Json.object("name", "db", "request",
                Json.object("argv", List.of("sleep", "60"), "notify", true), "readyTimeoutMs", 300L);
        StewardException e = refused(silent, app("api", "after", List.of("db")));
        assertEquals(ErrorCode.NOT_READY, e.code());
        assertTrue(e.getMessage().startsWith("app \"api\" not started: \"db\" did not say READY=1 within 300ms"),
                e.getMessage());
        assertEquals(List.of("db"), names(false), "what came before stays, the dependent never starts");
    }

    @Test
    void aSessionStartedByRunIsNeverTakenOver() {
        SessionInfo manual = run("name", "api", "argv", List.of("sleep", "60"));
        StewardException e = refused(app("db"), app("api"));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(1, names(false).size(), "nothing started");
        assertEquals(manual.pid(), client.sessions().get("api").pid());
    }

    @Test
    void appliedAppsAreManagedAndTheAnswerSaysWhatWasDone() {
        ApplyResult r = apply(Json.object("apps", List.of(app("db"), app("api", "after", List.of("db")))));
        assertFalse(r.dryRun());
        assertEquals(List.of("start db", "start api"), done(r));
        ApplyResult.Action first = r.actions().getFirst();
        assertEquals(client.sessions().get("db").id(), first.id());
        assertEquals(List.of("api", "db"), daemon.sessions().apps().managed().stream().map(Apps.App::name).sorted().toList());

        String apiId = client.sessions().get("api").id();
        ApplyResult removed = apply(Json.object("apps", List.of(app("db"))));
        assertEquals(List.of(new ApplyResult.Action("api", ApplyResult.Kind.STOP, apiId),
                new ApplyResult.Action("db", ApplyResult.Kind.UNCHANGED, first.id())), removed.actions());
        assertEquals(SessionInfo.Phase.EXITED, client.sessions().get(apiId).phase());
        Apps.App api = daemon.sessions().apps().find("api");
        assertFalse(api.managed(), "no longer the file's");
        assertFalse(api.running(), "a user's stop: not resurrected");
    }

    @Test
    void anEmptyListOfAppsIsRefusedUnlessAllowedAndThenStopsEveryManagedApp() {
        apply(Json.object("apps", List.of(app("db"), app("api"))));
        run("name", "manual", "argv", List.of("sleep", "60"));
        StewardException e = assertThrows(StewardException.class, () -> apply(Json.object("apps", List.of())));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals("apps: none given; an apply of no apps stops every app an apply started (api, db):"
                + " set allowEmpty to mean that", e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> apply(Json.object("apps", List.of(), "dryRun", true))).code(), "not even planned");
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> apply(Json.object("apps", List.of(), "allowEmpty", "yes"))).code());
        assertEquals(List.of("db", "api", "manual"), names(false), "nothing stopped");

        ApplyResult r = apply(Json.object("apps", List.of(), "allowEmpty", true));
        assertEquals(List.of("stop api", "stop db"), done(r).stream().sorted().toList());
        assertEquals(List.of("manual"), names(false), "a run session is never touched");
        assertEquals(List.of(), daemon.sessions().apps().managed());
    }
}
