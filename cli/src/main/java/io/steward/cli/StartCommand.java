package io.steward.cli;

import io.steward.api.MillisType;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import io.steward.client.Sessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code steward start}: an exited, stopped or errored session runs again from its spec, under the
 * same id, name and output history, as a restart of an ended session does. One that is alive is
 * left alone, as {@code systemctl start} leaves an active unit: that is not an error.
 */
@Command(name = "start", description = "Start an exited, stopped or errored session again from its spec, under the"
        + " same id, name and output history; one already running is left alone. --label and --all start the ended ones.")
final class StartCommand implements Callable<Integer> {
    @Mixin
    SessionSelection which = new SessionSelection();

    @Option(names = "--wait-ready", description = "Return once it reports READY=1 (a session run with --notify);"
            + " exit 1 if it ends first or --ready-timeout passes (it keeps running then).")
    boolean waitReady;

    @Option(names = "--ready-timeout", paramLabel = "D", description = "How long --wait-ready waits, for each session (default 60s).")
    String readyTimeout;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        which.check("start");
        Duration timeout = readyTimeout();
        Sessions sessions = Clients.existing().sessions();
        if (which.ref != null) {
            SessionInfo s = sessions.start(which.ref);
            if (waitReady) {
                return ready(sessions, s, timeout);
            }
            Printer.either(json, s.toJson(), s.state() == SessionState.STARTING ? "starting " + Printer.label(s)
                    : Printer.label(s) + " is already " + SessionView.state(s));
            return 0;
        }
        List<SessionInfo> ended = which.listed(sessions, s -> s.state().ended());
        List<SessionInfo> started = ended.stream().map(s -> sessions.start(s.id())).toList();
        if (waitReady) {
            int code = 0;
            for (SessionInfo s : started) {
                code = Math.max(code, ready(sessions, s, timeout));
            }
            return code;
        }
        Printer.either(json, new SessionList(started).toJson(),
                "starting " + Printer.sessions(started.stream().map(SessionInfo::id).toList(), ended));
        return 0;
    }

    /** As {@code run --wait-ready}: the session once ready, or why not (exit 1). */
    private int ready(Sessions sessions, SessionInfo s, Duration timeout) {
        long start = System.nanoTime();
        SessionInfo now = Waits.until(timeout, slice -> sessions.awaitReady(s.id(), slice));
        boolean ready = Boolean.TRUE.equals(now.heartbeat().ready());
        if (json) {
            Printer.json(now.toJson());
        } else if (ready) {
            System.out.println(Printer.label(now) + " is ready");
        }
        if (!ready) {
            System.err.println("steward: " + RunCommand.notReady(now, Duration.ofNanos(System.nanoTime() - start)));
            return Errors.FAILURE;
        }
        return 0;
    }

    private Duration readyTimeout() {
        if (readyTimeout == null) {
            return RunCommand.READY_TIMEOUT;
        }
        if (!waitReady) {
            throw new StewardException(io.steward.api.ErrorCode.INVALID_INPUT, "--ready-timeout: needs --wait-ready, which it bounds");
        }
        return new MillisType(1).parse("--ready-timeout", readyTimeout);
    }
}
