package io.steward.daemon;

import io.steward.api.Json;
import io.steward.api.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code save} and {@code resurrect}: the named sessions now become the saved set; resurrect
 * starts every saved app that is meant to run and has no running session, and leaves alone those
 * a user stopped. Running it twice starts nothing the second time.
 */
final class Resurrection {
    private final Sessions sessions;
    private final SessionRegistry registry;

    Resurrection(Sessions sessions, SessionRegistry registry) {
        this.sessions = sessions;
        this.registry = registry;
    }

    Map<String, Object> save(Caller caller) {
        List<String> names = new ArrayList<>();
        for (Session s : registry.all()) {
            if (s.name() != null && !names.contains(s.name())) {
                names.add(s.name());
            }
        }
        try {
            sessions.apps().save(names);
        } catch (RuntimeException e) {
            StewardException failure = sessions.book().failure(e, "save the apps");
            sessions.audit().record(caller, "save", null, failure.code().wire());
            throw failure;
        }
        sessions.audit().record(caller, "save", null, "ok:" + names.size());
        sessions.events().publish("saved", Json.object("apps", names));
        return Json.object("saved", names);
    }

    Map<String, Object> resurrect(Caller caller) {
        List<String> started = new ArrayList<>();
        List<String> running = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<Object> failed = new ArrayList<>();
        for (Apps.App app : sessions.apps().saved()) {
            if (!app.running()) {
                stopped.add(app.name());
            } else if (registry.list(false, null).stream().anyMatch(s -> app.name().equals(s.name()))) {
                running.add(app.name());
            } else {
                try {
                    sessions.create(caller, RunRequest.parse(app.request()), app.managed());
                    started.add(app.name());
                } catch (StewardException e) {
                    failed.add(Json.object("name", app.name(), "code", e.code().wire(), "detail", e.getMessage()));
                }
            }
        }
        sessions.audit().record(caller, "resurrect", null, "ok:" + started.size());
        sessions.events().publish("resurrected", Json.object("started", started, "failed", failed.size()));
        return Json.object("started", started, "running", running, "stopped", stopped, "failed", failed);
    }
}
