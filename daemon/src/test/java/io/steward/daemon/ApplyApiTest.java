package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
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
        return assertThrows(StewardException.class, () -> client.apply(Json.object("apps", List.of(apps))));
    }

    @Test
    void oneBadRequestRefusesTheWholeApplyAndStartsNothing() {
        StewardException e = refused(app("db"), Json.object("name", "api", "request",
                Json.object("argv", List.of("sleep", "60"), "ringBytes", 12L)));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("app \"api\": ringBytes: 12 outside"), e.getMessage());
        assertEquals(List.of(), client.list(true));

        assertTrue(refused(app("db"), app("db")).getMessage().contains("used twice"));
        assertTrue(refused(app("api", "after", List.of("db"))).getMessage().contains("no app named \"db\""));
        assertTrue(refused(app("a", "after", List.of("b")), app("b", "after", List.of("a")))
                .getMessage().contains("cycle: a -> b -> a"));
        assertTrue(refused(app("a", "readyPort", 70_000L)).getMessage().contains("readyPort"));
        assertTrue(refused(app("a", "readyTimeoutMs", 0L)).getMessage().startsWith("app \"a\": readyTimeoutMs: 0 outside"));
        assertTrue(refused(app("a", "readyTimeoutMs", -5L)).getMessage().startsWith("app \"a\": readyTimeoutMs: -5"));
        assertTrue(refused(app("a", "restart", "always")).getMessage().contains("unknown field 'restart'"));
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> client.apply(Json.object("apps", List.of(), "force", true))).code());
        assertEquals(List.of(), client.list(true));
    }

    @Test
    void aDependencyIsAwaitedForItsOwnReadyTimeout() {
        Map<String, Object> silent = Json.object("name", "db", "request",
                Json.object("argv", List.of("sleep", "60"), "notify", true), "readyTimeoutMs", 300L);
        StewardException e = refused(silent, app("api", "after", List.of("db")));
        assertEquals(ErrorCode.NOT_READY, e.code());
        assertTrue(e.getMessage().startsWith("app \"api\" not started: \"db\" did not say READY=1 within 300ms"),
                e.getMessage());
        assertEquals(List.of("db"), client.list(false).stream().map(s -> s.get("name")).toList(),
                "what came before stays, the dependent never starts");
    }

    @Test
    void aSessionStartedByRunIsNeverTakenOver() {
        Map<String, Object> manual = run("name", "api", "argv", List.of("sleep", "60"));
        StewardException e = refused(app("db"), app("api"));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(1, client.list(false).size(), "nothing started");
        assertEquals(manual.get("pid"), client.session("api").get("pid"));
    }

    @Test
    void appliedAppsAreManagedAndTheAnswerSaysWhatWasDone() {
        Map<String, Object> r = client.apply(Json.object("apps", List.of(app("db"), app("api", "after", List.of("db")))));
        assertEquals(false, r.get("dryRun"));
        List<?> actions = (List<?>) r.get("actions");
        assertEquals(2, actions.size());
        Map<?, ?> first = (Map<?, ?>) actions.getFirst();
        assertEquals("db", first.get("name"));
        assertEquals("start", first.get("action"));
        assertEquals(client.session("db").get("id"), first.get("id"));
        assertEquals(List.of("api", "db"), daemon.sessions().apps().managed().stream().map(Apps.App::name).sorted().toList());

        Object apiId = client.session("api").get("id");
        Map<String, Object> removed = client.apply(Json.object("apps", List.of(app("db"))));
        assertEquals(List.of(Json.object("name", "api", "action", "stop", "id", apiId),
                Json.object("name", "db", "action", "unchanged", "id", first.get("id"))), removed.get("actions"));
        assertEquals("exited", client.session(apiId.toString()).get("phase"));
        Apps.App api = daemon.sessions().apps().find("api");
        assertFalse(api.managed(), "no longer the file's");
        assertFalse(api.running(), "a user's stop: not resurrected");
    }

    @Test
    void anEmptyListOfAppsIsRefusedUnlessAllowedAndThenStopsEveryManagedApp() {
        client.apply(Json.object("apps", List.of(app("db"), app("api"))));
        run("name", "manual", "argv", List.of("sleep", "60"));
        StewardException e = assertThrows(StewardException.class, () -> client.apply(Json.object("apps", List.of())));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals("apps: none given; an apply of no apps stops every app an apply started (api, db):"
                + " set allowEmpty to mean that", e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> client.apply(Json.object("apps", List.of(), "dryRun", true))).code(), "not even planned");
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(StewardException.class,
                () -> client.apply(Json.object("apps", List.of(), "allowEmpty", "yes"))).code());
        assertEquals(List.of("db", "api", "manual"), client.list(false).stream().map(s -> s.get("name")).toList(),
                "nothing stopped");

        Map<String, Object> r = client.apply(Json.object("apps", List.of(), "allowEmpty", true));
        assertEquals(List.of("stop api", "stop db"), ((List<?>) r.get("actions")).stream()
                .map(a -> ((Map<?, ?>) a).get("action") + " " + ((Map<?, ?>) a).get("name")).sorted().toList());
        assertEquals(List.of("manual"), client.list(false).stream().map(s -> s.get("name")).toList(),
                "a run session is never touched");
        assertEquals(List.of(), daemon.sessions().apps().managed());
    }
}
