package io.steward.daemon.apps;

import io.steward.api.ApplyResult;
import io.steward.api.DaemonEvent;
import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Session;
import io.steward.daemon.supervision.Sessions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    public ApplyResult apply(Caller caller, Map<String, Object> body) {
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

    private ApplyResult applyLocked(Caller caller, Map<String, Object> body) {
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
            List<ApplyResult.Action> actions = new ArrayList<>();
            for (AppPlan.Step step : steps) {
                if (step.action() != ApplyResult.Kind.STOP || step.current() != null) {
                    actions.add(action(step.name(), step.action(), step.current()));
                }
            }
            sessions.audit().record(caller, "apply-dry-run", null, "ok");
            return new ApplyResult(actions, true);
        }
        List<ApplyResult.Action> done = new ArrayList<>();
        try {
            carryOut(caller, plan, steps, done);
        } catch (StewardException e) {
            sessions.audit().record(caller, "apply", null, e.code().wire());
            publish(done, e.getMessage());
            throw e;
        }
        sessions.audit().record(caller, "apply", null, "ok:" + changes(done));
        publish(done, null);
        return new ApplyResult(done, false);
    }

    private void carryOut(Caller caller, AppPlan plan, List<AppPlan.Step> steps, List<ApplyResult.Action> done) {
        Map<String, AppPlan.Item> items = new HashMap<>();
        plan.items.forEach(i -> items.put(i.name(), i));
        Map<String, Session> current = new HashMap<>();
        Set<String> ready = new HashSet<>();
        for (AppPlan.Step step : steps) {
            if (step.action() == ApplyResult.Kind.STOP) {
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
            if (step.action() == ApplyResult.Kind.STOP && step.current() != null) {
                sessions.stopAndWait(caller, step.current());
                done.add(action(step.name(), ApplyResult.Kind.STOP, step.current()));
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
                case UNCHANGED -> {
                    sessions.book().placed(item.name(), item.source());
                    yield step.current();
                }
                case RESTART -> {
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
    private static void awaitReady(AppPlan.Item dep, Session s, String dependent, List<ApplyResult.Action> done) {
        String why = Readiness.await(s, dep.source().readyPort(), dep.source().readyTimeout());
        if (why != null) {
            throw new StewardException(ErrorCode.NOT_READY, "app \"" + dependent + "\" not started: \"" + dep.name()
                    + "\" " + why + "; what this apply did so far stays done (" + summary(done) + ")");
        }
    }

    private static ApplyResult.Action action(String name, ApplyResult.Kind action, Session s) {
        return new ApplyResult.Action(name, action, s == null ? null : s.id());
    }

    private static long changes(List<ApplyResult.Action> done) {
        return done.stream().filter(a -> a.action() != ApplyResult.Kind.UNCHANGED).count();
    }

    /** {@code start db, api; unchanged web}, or {@code nothing}. */
    private static String summary(List<ApplyResult.Action> done) {
        Map<ApplyResult.Kind, List<String>> by = new LinkedHashMap<>();
        for (ApplyResult.Action a : done) {
            by.computeIfAbsent(a.action(), k -> new ArrayList<>()).add(a.name());
        }
        List<String> parts = new ArrayList<>();
        by.forEach((action, names) -> parts.add(action.wire() + " " + String.join(", ", names)));
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }

    private void publish(List<ApplyResult.Action> done, String error) {
        Map<ApplyResult.Kind, List<String>> by = new EnumMap<>(ApplyResult.Kind.class);
        for (ApplyResult.Kind k : ApplyResult.Kind.values()) {
            by.put(k, new ArrayList<>());
        }
        for (ApplyResult.Action a : done) {
            by.get(a.action()).add(a.name());
        }
        sessions.events().publish((seq, at) -> new DaemonEvent.Applied(seq, at, by.get(ApplyResult.Kind.START),
                by.get(ApplyResult.Kind.RESTART), by.get(ApplyResult.Kind.STOP), by.get(ApplyResult.Kind.UNCHANGED),
                error));
    }
}
