package io.steward.cli;

import io.steward.api.MillisType;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.SessionState;
import io.steward.client.Sessions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code steward reload}: systemd's notify-reload. The session's reload signal goes to its main
 * process; one run with {@code --notify} is awaited until it says {@code RELOADING=1}, then
 * {@code READY=1} again.
 */
@Command(name = "reload", description = "Send a running session its reload signal (run --reload-signal, HUP unless set)"
        + " to its main process; one run with --notify is awaited until it says RELOADING=1, then READY=1."
        + " --label and --all reload the running ones.")
final class ReloadCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Mixin
    SessionSelection which = new SessionSelection();

    @Option(names = "--timeout", paramLabel = "D", description = "How long a --notify session may take to say READY=1"
            + " again, for each session (default 60s; exit 1 after it).")
    String timeout;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        which.check("reload");
        Duration limit = timeout == null ? TIMEOUT : new MillisType(1).parse("--timeout", timeout);
        Sessions sessions = Clients.existing().sessions();
        if (which.ref != null) {
            SessionInfo s = sessions.reload(which.ref, limit);
            Printer.either(json, s.toJson(), said(s));
            return 0;
        }
        List<SessionInfo> running = which.listed(sessions, s -> s.state() == SessionState.RUNNING);
        List<SessionInfo> reloaded = running.stream().map(s -> sessions.reload(s.id(), limit)).toList();
        Printer.either(json, new SessionList(reloaded).toJson(),
                "reloaded " + Printer.sessions(reloaded.stream().map(SessionInfo::id).toList(), running));
        return 0;
    }

    /** A --notify session said it reloaded; any other was only sent its signal. */
    private static String said(SessionInfo s) {
        return s.heartbeat().ready() != null ? Printer.label(s) + " reloaded"
                : Printer.label(s) + ": reload signal sent to pid " + s.pid();
    }
}
