package io.steward.daemon.apps;

import io.steward.api.ApplyResult;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.daemon.session.JsonBody;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.state.Apps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/apply}, checked as a whole before anything changes, and what it asks
 * for: every app's run request is parsed as {@code POST /v1/sessions} would parse it, names are
 * unique, every {@code after} names an app of the file and the dependencies have no cycle. The apps
 * come out in start order (dependencies first, otherwise as the file lists them), and the plan says
 * what happens to each: {@code start}, {@code restart}, {@code unchanged}, or {@code stop} for a
 * managed app the file no longer has. An empty list of apps would stop every managed app, so it
 * is refused unless {@code allowEmpty} says that is meant.
 */
final class AppPlan {
    /**
     * One app: its request, and its source, which says what it comes after, its ready port (0 for
     * none) and how long the apps after it wait for it to be ready.
     */
    record Item(String name, RunRequest request, Apps.Source source) {
        List<String> after() {
            return source.after();
        }
    }

    private static final Duration MAX_READY_TIMEOUT = Duration.ofHours(1);

    /** What happens to an app: its current session, if any. */
    record Step(String name, ApplyResult.Kind action, Session current, Item item) {}

    private static final Set<String> BODY = Set.of("apps", "dryRun", "allowEmpty");
    private static final Set<String> APP = Set.of("name", "request", "after", "readyPort", "readyTimeoutMs");

    final List<Item> items;
    final boolean dryRun;
    private final boolean allowEmpty;

    private AppPlan(List<Item> items, boolean dryRun, boolean allowEmpty) {
        this.items = items;
        this.dryRun = dryRun;
        this.allowEmpty = allowEmpty;
    }

    static AppPlan parse(Map<String, Object> raw) {
        JsonBody body = JsonBody.of(raw, BODY);
        boolean dryRun = body.bool("dryRun", false);
        boolean allowEmpty = body.bool("allowEmpty", false);
        List<Object> apps = body.list("apps", "an array of apps");
        if (apps == null) {
            throw invalid("apps: an array of apps is required");
        }
        Map<String, Item> byName = new LinkedHashMap<>();
        for (Object o : apps) {
            Item item = item(o);
            if (byName.put(item.name(), item) != null) {
                throw invalid("app \"" + item.name() + "\": the name is used twice");
            }
        }
        for (Item item : byName.values()) {
            for (String dep : item.after()) {
                if (!byName.containsKey(dep)) {
                    throw invalid("app \"" + item.name() + "\": after: no app named \"" + dep + "\"");
                }
            }
        }
        return new AppPlan(inStartOrder(byName.values()), dryRun, allowEmpty);
    }

    private static Item item(Object o) {
        if (!(o instanceof Map<?, ?> raw)) {
            throw invalid("apps: every app is an object");
        }
        if (!(raw.get("name") instanceof String name)) {
            throw invalid("apps: every app needs a name, a string");
        }
        String where = "app \"" + name + "\": ";
        try {
            JsonBody app = JsonBody.of(raw, APP, "app");
            Map<String, Object> request = app.object("request", "the body of POST /v1/sessions");
            if (request == null) {
                throw invalid("request: the body of POST /v1/sessions is required");
            }
            request = new LinkedHashMap<>(request);
            if (!request.containsKey("name")) {
                request.put("name", name);
            } else if (request.get("name") == null) {
                throw invalid("request: name: null is not a value here; leave it out for the app's name");
            } else if (!name.equals(request.get("name"))) {
                throw invalid("request: its name must be the app's");
            }
            RunRequest parsed = RunRequest.parse(request);
            List<String> after = app.strings("after");
            if (app.has("after") && after == null) {
                throw invalid("after: an array of app names is required");
            }
            Long port = app.integer("readyPort", 1, 65_535);
            Long readyTimeoutMs = app.integer("readyTimeoutMs", 1, MAX_READY_TIMEOUT.toMillis());
            return new Item(name, parsed, new Apps.Source(true, after != null ? after : List.of(),
                    port == null ? 0 : port.intValue(),
                    readyTimeoutMs != null ? Duration.ofMillis(readyTimeoutMs) : Apps.DEFAULT_READY_TIMEOUT));
        } catch (StewardException e) {
            throw new StewardException(e.code(), where + e.getMessage());
        }
    }

    /**
     * Dependencies first; among apps free to go, the order given. An {@code after} naming none of
     * {@code items} orders nothing (resurrect starts some apps of a set, not all). A cycle is refused,
     * naming it.
     */
    static List<Item> inStartOrder(Collection<Item> items) {
        Map<String, Item> byName = new LinkedHashMap<>();
        items.forEach(i -> byName.put(i.name(), i));
        List<Item> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (out.size() < byName.size()) {
            Item next = null;
            for (Item item : byName.values()) {
                if (!placed.contains(item.name()) && item.after().stream()
                        .allMatch(d -> placed.contains(d) || !byName.containsKey(d))) {
                    next = item;
                    break;
                }
            }
            if (next == null) {
                throw invalid("the apps' after form a cycle: " + cycle(byName, placed));
            }
            out.add(next);
            placed.add(next.name());
        }
        return out;
    }

    /** A cycle among the apps not placed, as {@code a -> b -> a}. */
    private static String cycle(Map<String, Item> byName, Set<String> placed) {
        String at = byName.keySet().stream().filter(n -> !placed.contains(n)).findFirst().orElseThrow();
        List<String> path = new ArrayList<>();
        while (!path.contains(at)) {
            path.add(at);
            at = byName.get(at).after().stream().filter(d -> byName.containsKey(d) && !placed.contains(d))
                    .findFirst().orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        loop.add(at);
        return String.join(" -> ", loop);
    }

    /**
     * What to do: stops of managed apps the file dropped first, then every app of the file in start
     * order. A running session of a file's name that apply did not start is a conflict (apply never
     * touches what {@code steward run} started).
     */
    List<Step> steps(Apps apps, SessionRegistry registry) {
        if (items.isEmpty() && !allowEmpty) {
            List<String> managed = apps.managed().stream().map(Apps.App::name).toList();
            throw invalid("apps: none given; an apply of no apps stops every app an apply started ("
                    + (managed.isEmpty() ? "there are none now" : String.join(", ", managed))
                    + "): set allowEmpty to mean that");
        }
        Map<String, Session> running = new HashMap<>();
        for (Session s : registry.list(false, null)) {
            if (s.name() != null) {
                running.put(s.name(), s);
            }
        }
        Set<String> names = new HashSet<>();
        items.forEach(i -> names.add(i.name()));
        List<Step> steps = new ArrayList<>();
        for (Apps.App app : apps.managed()) {
            if (!names.contains(app.name())) {
                steps.add(new Step(app.name(), ApplyResult.Kind.STOP, running.get(app.name()), null));
            }
        }
        for (Item item : items) {
            Session current = running.get(item.name());
            Apps.App stored = apps.find(item.name());
            if (current == null) {
                steps.add(new Step(item.name(), ApplyResult.Kind.START, null, item));
            } else if (stored == null || !stored.managed()) {
                throw new StewardException(ErrorCode.CONFLICT, "app \"" + item.name() + "\": a running session of"
                        + " that name was not started by apply; stop it first (apply never touches it)");
            } else if (stored.request().equals(Json.parse(Json.write(item.request().body())))) {
                steps.add(new Step(item.name(), ApplyResult.Kind.UNCHANGED, current, item));
            } else {
                steps.add(new Step(item.name(), ApplyResult.Kind.RESTART, current, item));
            }
        }
        return steps;
    }

    private static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
