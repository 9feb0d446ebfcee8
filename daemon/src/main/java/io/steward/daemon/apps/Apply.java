package io.steward.daemon.apps;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Session;
import io.steward.daemon.supervision.Sessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@code POST /v1/apply}: makes the running apps match an apps file. The whole body is checked
 * first ({@link AppPlan}), so a bad file changes nothing; then managed apps the file dropped are
 * stopped (a user's stop: not resurrected) and forgotten by apply, and the file's apps go in start
 * order: new ones start, changed ones (their stored request differs) are stopped, awaited and
 * started again, unchanged ones are left alone (their place among the apps is recorded anew). An
 * app starts only once each app it comes {@code after} is {@link Readiness ready}. One apply at a
 * time, and never during a resurrect: both start apps by name.
 */
public final class Apply {
    private final Sessions sessions;
    private final ReentrantLock lock = new ReentrantLock();

    public Apply(Sessions sessions) {
        this.sessions = sessions;
    }

    public Map<String, Object> apply(Caller caller, Map<String, Object> body) {
        return alone(() -> applyLocked(caller, body));
    }

    /** Runs {@code work} while no other apply, nor a resurrect, runs. */
    <T> T alone(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Object> applyLocked(Caller caller, Map<String, Object> body) {
        AppPlan plan;
        List<AppPlan.Step> steps;
        try {
            plan = AppPlan.parse(body);
            steps = plan.steps(sessions.apps(), sessions.registry());
        } catch (StewardException e) {
            sessions.audit().record(caller, "apply", null, e.code().wire());
            throw e;
        }
        if (plan.dryRun) {
            List<Object> actions = new ArrayList<>();
            for (AppPlan.Step step : steps) {
                if (!step.action().equals("stop") || step.current() != null) {
                    actions.add(action(step.name(), step.action(), step.current()));
                }
            }
            sessions.audit().record(caller, "apply-dry-run", null, "ok");
            return Json.object("actions", actions, "dryRun", true);
        }
        List<Object> done = new ArrayList<>();
        try {
            carryOut(caller, plan, steps, done);
        } catch (StewardException e) {
            sessions.audit().record(caller, "apply", null, e.code().wire());
            publish(done, e.getMessage());
            throw e;
        }
        sessions.audit().record(caller, "apply", null, "ok:" + changes(done));
        publish(done, null);
        return Json.object("actions", done, "dryRun", false);
    }

    private void carryOut(Caller caller, AppPlan plan, List<AppPlan.Step> steps, List<Object> done) {
        Map<String, AppPlan.Item> items = new HashMap<>();
        plan.items.forEach(i -> items.put(i.name(), i));
        Map<String, Session> current = new HashMap<>();
        Set<String> ready = new HashSet<>();
        for (AppPlan.Step step : steps) {
            if (step.action().equals("stop")) {
                if (step.current() != null) {
                    try {
                        sessions.stop(caller, step.current(), null); // all at once; awaited below
                    } catch (StewardException e) {
                        if (step.current().active()) {
                            throw e;
                        }
                    }
                }
                sessions.book().unmanaged(step.name());
            }
        }
        for (AppPlan.Step step : steps) {
            if (step.action().equals("stop") && step.current() != null) {
                sessions.stopAndWait(caller, step.current());
                done.add(action(step.name(), "stop", step.current()));
            }
        }
        for (AppPlan.Step step : steps) {
            AppPlan.Item item = step.item();
            if (item == null) {
                continue;
            }
            for (String dep : item.after()) {
                if (ready.add(dep)) {
                    awaitReady(items.get(dep), current.get(dep), item.name(), done);
                }
            }
            Session s = switch (step.action()) {
                case "unchanged" -> {
                    sessions.book().placed(item.name(), item.source());
                    yield step.current();
                }
                case "restart" -> {
                    sessions.stopAndWait(caller, step.current());
                    yield sessions.create(caller, item.request(), item.source());
                }
                default -> sessions.create(caller, item.request(), item.source());
            };
            current.put(item.name(), s);
            done.add(action(item.name(), step.action(), s));
        }
    }

    /**
     * Waits until the dependency {@code dep}, now session {@code s}, is ready, at most its ready
     * timeout; otherwise the apply ends here with {@code not-ready}.
     */
    private static void awaitReady(AppPlan.Item dep, Session s, String dependent, List<Object> done) {
        String why = Readiness.await(s, dep.source().readyPort(), dep.source().readyTimeout());
        if (why != null) {
            throw new StewardException(ErrorCode.NOT_READY, "app \"" + dependent + "\" not started: \"" + dep.name()
                    + "\" " + why + "; what this apply did so far stays done (" + summary(done) + ")");
        }
    }

    private static Map<String, Object> action(String name, String action, Session s) {
        return Json.object("name", name, "action", action, "id", s == null ? null : s.id());
    }

    private static long changes(List<Object> done) {
        return done.stream().filter(a -> !"unchanged".equals(((Map<?, ?>) a).get("action"))).count();
    }

    /** {@code start db, api; unchanged web}, or {@code nothing}. */
    private static String summary(List<Object> done) {
        Map<String, List<String>> by = new java.util.LinkedHashMap<>();
        for (Object o : done) {
            Map<?, ?> a = (Map<?, ?>) o;
            by.computeIfAbsent((String) a.get("action"), k -> new ArrayList<>()).add((String) a.get("name"));
        }
        List<String> parts = new ArrayList<>();
        by.forEach((action, names) -> parts.add(action + " " + String.join(", ", names)));
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }

    private void publish(List<Object> done, String error) {
        Map<String, List<String>> by = new java.util.LinkedHashMap<>();
        for (String a : List.of("start", "restart", "stop", "unchanged")) {
            by.put(a, new ArrayList<>());
        }
        for (Object o : done) {
            Map<?, ?> a = (Map<?, ?>) o;
            by.get((String) a.get("action")).add((String) a.get("name"));
        }
        sessions.events().publish("apply", Json.object("started", by.get("start"), "restarted", by.get("restart"),
                "stopped", by.get("stop"), "unchanged", by.get("unchanged"), "error", error));
    }
}
