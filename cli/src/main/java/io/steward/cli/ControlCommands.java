package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.KillOlderResult;
import io.steward.api.PurgeResult;
import io.steward.api.RunOptions;
import io.steward.api.SessionInfo;
import io.steward.api.StdinWritten;
import io.steward.api.StewardException;
import io.steward.client.DaemonEndpoints;
import io.steward.client.Sessions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Command(name = "send", description = "Write TEXT (or stdin, with -) to a session's stdin.")
    static final class Send extends OnSession {
        @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT|-", description = "Bytes to write; - reads our stdin.")
        String text;

        @Option(names = "--eof", description = "Close the session's stdin afterwards (a pty gets Ctrl-D).")
        boolean eof;

        @Override
        public Integer call() throws Exception {
            byte[] bytes = text == null ? new byte[0]
                    : text.equals("-") ? System.in.readAllBytes() : text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0 && !eof) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "nothing to send: give TEXT, - for stdin, or --eof");
            }
            StdinWritten r = Clients.existing().sessions().send(ref, bytes, eof);
            Printer.either(json, r.toJson(), "sent " + r.written() + " bytes" + (eof ? ", then EOF" : ""));
            return 0;
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
        /** Each request waits at most this long, so no connection idles for hours. */
        private static final long SLICE_MS = 60_000;

        @Option(names = "--timeout", paramLabel = "D", description = "Give up after this long (exit 1).")
        String timeout;

        @Override
        public Integer call() {
            long deadline = timeout == null ? Long.MAX_VALUE : System.currentTimeMillis() + Durations.parse(timeout).toMillis();
            Sessions sessions = Clients.existing().sessions();
            while (true) {
                long left = deadline - System.currentTimeMillis();
                SessionInfo s = sessions.await(ref, Duration.ofMillis(Math.max(0, Math.min(SLICE_MS, left))));
                if (!Boolean.TRUE.equals(s.timedOut())) {
                    Printer.session(s, json);
                    return Printer.exitCodeOf(s);
                }
                if (left <= SLICE_MS) {
                    if (json) {
                        Printer.json(s.toJson());
                    } else {
                        System.err.println("steward: " + Printer.line(s) + "; timed out after " + timeout);
                    }
                    return Errors.FAILURE;
                }
            }
        }
    }

    @Command(name = "resize", description = "Set a pty session's window size, attached or not.")
    static final class Resize extends OnSession {
        @Parameters(index = "1", paramLabel = "ROWSxCOLS", description = "e.g. 40x120.")
        String size;

        @Override
        public Integer call() {
            String[] rc = size.toLowerCase(java.util.Locale.ROOT).split("x");
            int rows;
            int cols;
            try {
                rows = Integer.parseInt(rc[0]);
                cols = Integer.parseInt(rc[1]);
            } catch (RuntimeException e) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "size must be ROWSxCOLS, e.g. 40x120, got '" + size + "'");
            }
            Printer.session(Clients.existing().sessions().resize(ref, rows, cols), json);
            return 0;
        }
    }

    @Command(name = "rm", description = "Release an exited session (its backlog goes with it).")
    static final class Rm extends OnSession {
        @Override
        public Integer call() {
            Printer.either(json, Clients.existing().sessions().remove(ref).toJson(), "removed " + ref);
            return 0;
        }
    }

    @Command(name = "purge", description = "Release every exited session.")
    static final class Purge implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            PurgeResult r = Clients.existing().sessions().purge();
            Printer.either(json, r.toJson(), "released " + r.released().size() + " sessions");
            return 0;
        }
    }

    @Command(name = "kill-older", description = "Stop every running session older than D (soft, then hard).")
    static final class KillOlder implements Callable<Integer> {
        @Parameters(paramLabel = "D", description = "An age, e.g. 12h.")
        String age;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            KillOlderResult r = Clients.existing().sessions().killOlder(Durations.parse(age));
            Printer.either(json, r.toJson(), "stopping " + r.stopped().size() + " sessions");
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

        @Override
        public Integer call() {
            // Without --follow: what the daemon holds, then return once the replay is done. The
            // replay ends where the health's event sequence stood when we asked.
            DaemonEndpoints daemon = Clients.existing().daemon();
            long last = follow ? Long.MAX_VALUE : daemon.health().lastEventSeq();
            if (last <= since) {
                return 0;
            }
            daemon.events(since, e -> {
                System.out.println(Json.write(e.toJson()));
                System.out.flush();
                return e.seq() < last;
            });
            return 0;
        }
    }
}
