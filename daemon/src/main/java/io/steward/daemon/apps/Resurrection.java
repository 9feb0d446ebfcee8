package io.steward.daemon.apps;

import io.steward.api.DaemonEvent;
import io.steward.api.ErrorCode;
import io.steward.api.ResurrectResult;
import io.steward.api.SaveResult;
import io.steward.api.StewardException;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.state.Apps;
import io.steward.daemon.supervision.Sessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code save} and {@code resurrect}. Save makes the named sessions meant to run the saved set:
 * those running (or about to restart), and those a user stopped, kept as stopped; a session that
 * ended by itself for good (done, or errored) is left out. Resurrect starts every saved app meant
 * to run that has no running session, in the start order and at the pace of an apply (each once
 * the apps it comes {@code after} are {@link Readiness ready}), and leaves alone what runs, what a
 * user stopped and what ended by itself since the save. Running it twice starts nothing the
 * second time. It never runs during an apply.
 */
public final class Resurrection {
    private final Sessions sessions;
    private final SessionRegistry registry;
    private final Apply apply;

    public Resurrection(Sessions sessions, Apply apply) {
        this.sessions = sessions;
        this.registry = sessions.registry();
        this.apply = apply;
    }

    public SaveResult save(Caller caller) {
        List<String> names = new ArrayList<>();
        for (Session s : registry.all()) {
            if (s.name() != null && !names.contains(s.name()) && !endedByItself(s)) {
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
        sessions.events().publish((seq, at) -> new DaemonEvent.Saved(seq, at, names));
        return new SaveResult(names);
    }

    /** Ended for good, and not by anyone's stop: its policy let its exit stand, or it errored. */
    private static boolean endedByItself(Session s) {
        return s != null && s.endedByItself();
    }

    public ResurrectResult resurrect(Caller caller) {
        return apply.alone(() -> resurrectAlone(caller));
    }

    private ResurrectResult resurrectAlone(Caller caller) {
        Report out = new Report();
        Map<String, Session> held = new HashMap<>();
        registry.all().stream().filter(s -> s.name() != null).forEach(s -> held.put(s.name(), s));
        Map<String, Apps.App> saved = new LinkedHashMap<>();
        Map<String, AppPlan.Item> meant = new LinkedHashMap<>();
        for (Apps.App app : sessions.apps().saved()) {
            // the session tells first: its end's record is written a moment after it
            Apps.Desired desired = endedByItself(held.get(app.name())) ? Apps.Desired.ENDED : app.desired();
            saved.put(app.name(), new Apps.App(app.name(), app.request(), desired, app.source()));
            switch (desired) {
                case STOPPED -> out.stopped.add(app.name());
                case ENDED -> out.ended.add(app.name());
                case RUNNING -> {
                    try {
                        meant.put(app.name(), new AppPlan.Item(app.name(), RunRequest.parse(app.request()), app.source()));
                    } catch (StewardException e) {
                        out.failed(app.name(), e);
                    }
                }
            }
        }
        List<AppPlan.Item> order;
        try {
            order = AppPlan.inStartOrder(meant.values());
        } catch (StewardException cycle) {
            meant.keySet().forEach(name -> out.failed(name, cycle));
            order = List.of();
        }
        new Starts(caller, saved, out).run(order);
        sessions.audit().record(caller, "resurrect", null, "ok:" + out.started.size());
        sessions.events().publish((seq, at) -> new DaemonEvent.Resurrected(seq, at, out.started, out.failed.size()));
        return out.result();
    }

    /** What a resurrect did with each saved app. */
    private static final class Report {
        final List<String> started = new ArrayList<>();
        final List<String> running = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<String> ended = new ArrayList<>();
        final List<ResurrectResult.Failure> failed = new ArrayList<>();

        void failed(String name, StewardException e) {
            failed.add(new ResurrectResult.Failure(name, e.code(), e.getMessage()));
        }

        ResurrectResult result() {
            return new ResurrectResult(started, running, stopped, ended, failed);
        }
    }

    /** The apps meant to run, in start order: each left alone if it runs, else started once its dependencies are ready. */
    private final class Starts {
        private final Caller caller;
        private final Map<String, Apps.App> saved;
        private final Report out;
        private final Map<String, Session> current = new HashMap<>();
        private final Set<String> ready = new HashSet<>();

        Starts(Caller caller, Map<String, Apps.App> saved, Report out) {
            this.caller = caller;
            this.saved = saved;
            this.out = out;
            for (Session s : registry.list(false, null)) {
                if (s.name() != null) {
                    current.put(s.name(), s);
                }
            }
        }

        void run(List<AppPlan.Item> order) {
            for (AppPlan.Item item : order) {
                if (current.containsKey(item.name())) {
                    out.running.add(item.name());
                    continue;
                }
                try {
                    awaitDependencies(item);
                    current.put(item.name(), sessions.create(caller, item.request(), item.source()));
                    out.started.add(item.name());
                } catch (StewardException e) {
                    out.failed(item.name(), e);
                }
            }
        }

        private void awaitDependencies(AppPlan.Item item) {
            for (String dep : item.after()) {
                String why = notReady(dep);
                if (why != null) {
                    throw new StewardException(ErrorCode.NOT_READY,
                            "app \"" + item.name() + "\" not started: \"" + dep + "\" " + why);
                }
            }
        }

        /** Why {@code dep} is not ready, or null once it is (awaited at most its ready timeout, once). */
        private String notReady(String dep) {
            Session s = current.get(dep);
            if (s == null) {
                Apps.App app = saved.get(dep);
                if (app == null) {
                    return "is not running (not in the saved set)";
                }
                return switch (app.desired()) {
                    case RUNNING -> "was not started";
                    case STOPPED -> "is not running (stopped by you)";
                    case ENDED -> "is not running (it ended by itself)";
                };
            }
            if (ready.contains(dep)) {
                return null;
            }
            Apps.App app = saved.containsKey(dep) ? saved.get(dep) : sessions.apps().find(dep);
            Apps.Source source = app != null ? app.source() : Apps.Source.RUN;
            String why = Readiness.await(s, source.readyPort(), source.readyTimeout());
            if (why == null) {
                ready.add(dep);
            }
            return why;
        }
    }
}
