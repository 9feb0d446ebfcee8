package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.KillOlderResult;
import io.steward.api.MillisType;
import io.steward.api.PurgeResult;
import io.steward.api.RunOptions;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.StdinWritten;
import io.steward.api.StewardException;
import io.steward.client.DaemonEndpoints;
import io.steward.client.EventQuery;
import io.steward.client.Sessions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The verbs that act on one session, or on all of them, and print what became of it. */
final class ControlCommands {
    private ControlCommands() {}

    abstract static class OnSession implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
        String ref;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;
    }

    @Command(name = "send", description = "Type a line into a session's stdin: TEXT and Enter (a newline);"
            + " --raw sends TEXT exactly, - sends our stdin as it is.")
    static final class Send extends OnSession {
        @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT|-", description = "The line; - reads our stdin.")
        String text;

        @Option(names = "--raw", description = "Send TEXT as it is, without the newline.")
        boolean raw;

        @Option(names = "-e", description = "Interpret backslash escapes in TEXT: \\n, \\t, \\xHH (\\x03 is Ctrl-C), \\\\.")
        boolean escapes;

        @Option(names = "--eof", description = "Close the session's stdin afterwards (a pty gets Ctrl-D).")
        boolean eof;

        @Override
        public Integer call() throws Exception {
            byte[] bytes = bytes();
            if (bytes.length == 0 && !eof) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "nothing to send: give TEXT, - for stdin, or --eof");
            }
            StdinWritten r = Clients.existing().sessions().send(ref, bytes, eof);
            Printer.either(json, r.toJson(), "sent " + Printer.count(r.written(), "byte") + (eof ? ", then EOF" : ""));
            return 0;
        }

        /** What to write: the line and a newline, as a person types it; stdin and --raw as they are. */
        private byte[] bytes() throws java.io.IOException {
            if (text == null || text.equals("-")) {
                if (escapes) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "-e: applies to TEXT, "
                            + (text == null ? "and none was given" : "while - sends our stdin as it is"));
                }
                return text == null ? new byte[0] : System.in.readAllBytes();
            }
            byte[] line = escapes ? Escapes.interpret("-e", text) : text.getBytes(StandardCharsets.UTF_8);
            if (raw) {
                return line;
            }
            byte[] typed = java.util.Arrays.copyOf(line, line.length + 1);
            typed[line.length] = '\n';
            return typed;
        }
    }

    @Command(name = "signal", description = "Send a signal (TERM, HUP, USR1, 9…) to a session's process group.")
    static final class Signal extends OnSession {
        @Parameters(index = "1", paramLabel = "SIG", description = "A name (with or without SIG) or a number.")
        String signal;

        @Override
        public Integer call() {
            Printer.session(Clients.existing().sessions().signal(ref, signal), json);
            return 0;
        }
    }

    @Command(name = "stop", description = "SIGTERM the session's tree, SIGKILL what is left after the grace.")
    static final class Stop extends OnSession {
        @Option(names = "--grace", paramLabel = "D", description = "Grace before SIGKILL (default: the session's own, as run with --grace; 5s unless set).")
        String grace;

        @Option(names = "--wait", description = "Return only once it has exited.")
        boolean await;

        @Override
        public Integer call() {
            Sessions sessions = Clients.existing().sessions();
            Printer.session(grace != null ? sessions.stop(ref, RunOptions.GRACE.type().parse("--grace", grace), await)
                    : sessions.stop(ref, await), json);
            return 0;
        }
    }

    @Command(name = "restart", description = "Stop the session's whole tree with its grace, then start the same command"
            + " again under the same id, name and output history. --label and --all restart the running ones.")
    static final class Restart implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        SessionSelection which = new SessionSelection();

        @Option(names = "--grace", paramLabel = "D", description = "Grace before SIGKILL (default: the session's own, as run with --grace; 5s unless set).")
        String grace;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            which.check("restart");
            Duration d = grace == null ? null : RunOptions.GRACE.type().parse("--grace", grace);
            Sessions sessions = Clients.existing().sessions();
            if (which.ref != null) {
                Printer.session(restart(sessions, which.ref, d), json);
                return 0;
            }
            // Only what runs now: one restarting already, or stopping, is left to finish that.
            List<SessionInfo> running = which.listed(sessions, s -> s.state() == io.steward.api.SessionState.RUNNING);
            List<SessionInfo> restarted = running.stream().map(s -> restart(sessions, s.id(), d)).toList();
            Printer.either(json, new SessionList(restarted).toJson(),
                    "restarting " + Printer.sessions(restarted.stream().map(SessionInfo::id).toList(), running));
            return 0;
        }

        private static SessionInfo restart(Sessions sessions, String ref, Duration grace) {
            return grace != null ? sessions.restart(ref, grace) : sessions.restart(ref);
        }
    }

    @Command(name = "kill", description = "SIGKILL the session's whole tree at once.")
    static final class Kill extends OnSession {
        @Override
        public Integer call() {
            Printer.session(Clients.existing().sessions().kill(ref), json);
            return 0;
        }
    }

    @Command(name = "wait", description = "Block until the session ends, through restarts; exit with its last code (128+signal when killed).")
    static final class Wait extends OnSession {
        @Option(names = "--timeout", paramLabel = "D", description = "Give up after this long (exit 1).")
        String timeout;

        @Override
        public Integer call() {
            Duration limit = timeout == null ? null : new MillisType(0).parse("--timeout", timeout);
            Sessions sessions = Clients.existing().sessions();
            SessionInfo s = Waits.until(limit, slice -> sessions.await(ref, slice));
            if (!Boolean.TRUE.equals(s.timedOut())) {
                Printer.session(s, json);
                return Printer.exitCodeOf(s);
            }
            if (json) {
                Printer.json(s.toJson());
            } else {
                System.err.println("steward: " + Printer.line(s) + "; timed out after " + Durations.format(limit));
            }
            return Errors.FAILURE;
        }
    }

    @Command(name = "resize", description = "Set a pty session's window size, attached or not.")
    static final class Resize extends OnSession {
        @Parameters(index = "1", paramLabel = "ROWSxCOLS", description = "e.g. 40x120.")
        String size;

        @Override
        public Integer call() {
            String[] rc = size.toLowerCase(java.util.Locale.ROOT).split("x", -1);
            if (rc.length != 2) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "size must be ROWSxCOLS, e.g. 40x120, got '" + size + "'");
            }
            // the range of run's --rows and --cols, said the same way
            int rows = RunOptions.ROWS.type().parse("rows", rc[0]);
            int cols = RunOptions.COLS.type().parse("cols", rc[1]);
            Printer.session(Clients.existing().sessions().resize(ref, rows, cols), json);
            return 0;
        }
    }

    @Command(name = "rm", description = "Release an exited session (its backlog goes with it).")
    static final class Rm extends OnSession {
        @Override
        public Integer call() {
            SessionInfo removed = Clients.existing().sessions().remove(ref);
            Printer.either(json, removed.toJson(), "removed " + Printer.label(removed));
            return 0;
        }
    }

    @Command(name = "purge", description = "Release every exited session.")
    static final class Purge implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            Sessions sessions = Clients.existing().sessions();
            List<SessionInfo> before = json ? List.of() : sessions.list(true, null);
            PurgeResult r = sessions.purge();
            Printer.either(json, r.toJson(), "released " + Printer.sessions(r.released(), before));
            return 0;
        }
    }

    @Command(name = "kill-older", description = "Stop every running session older than AGE (soft, then hard).")
    static final class KillOlder implements Callable<Integer> {
        @Parameters(paramLabel = "AGE", description = "An age, e.g. 12h.")
        String age;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            Duration older = new MillisType(0).parse("AGE", age);
            Sessions sessions = Clients.existing().sessions();
            List<SessionInfo> before = json ? List.of() : sessions.list(false, null);
            KillOlderResult r = sessions.killOlder(older);
            Printer.either(json, r.toJson(), "stopping " + Printer.sessions(r.stopped(), before));
            return 0;
        }
    }

    @Command(name = "events", description = "Lifecycle and supervision events as JSON lines.")
    static final class Events implements Callable<Integer> {
        @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
        boolean follow;

        @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0", description = "Replay events after this sequence number (default ${DEFAULT-VALUE}: all kept).")
        long since;

        @Option(names = "--json", description = "Accepted for symmetry: events are always JSON lines.")
        boolean json;

        @Option(names = "--category", paramLabel = "C", split = ",",
                description = "Only these: lifecycle, heartbeat, daemon, process, file, network (comma-separated or repeated).")
        List<String> categories = new ArrayList<>();

        @Override
        public Integer call() {
            // Without --follow: what the daemon holds, then return once the replay is done. The
            // replay ends where the health's event sequence stood when we asked, and the daemon
            // ends the stream there, so a last event the categories leave out cannot hold us (nor an
            // empty stream: it is asked all the same, so a category the daemon has not is named).
            DaemonEndpoints daemon = Clients.existing().daemon();
            long last = follow ? -1 : daemon.health().lastEventSeq();
            daemon.events(new EventQuery(since, last, categories), e -> {
                System.out.println(Json.write(e.toJson()));
                System.out.flush();
                return true;
            });
            return 0;
        }
    }
}
