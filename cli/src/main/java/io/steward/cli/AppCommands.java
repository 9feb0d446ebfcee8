package io.steward.cli;

import io.steward.api.FlushResult;
import io.steward.api.ResurrectResult;
import io.steward.api.SaveResult;
import io.steward.api.SessionInfo;
import io.steward.client.Sessions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The saved set of named sessions ({@code save}, {@code resurrect}) and their log files ({@code flush}). */
final class AppCommands {
    private AppCommands() {}

    @Command(name = "save", description = "Make the named sessions the saved set, for resurrect.")
    static final class Save implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            SaveResult r = Clients.existing().apps().save();
            List<String> saved = r.saved();
            Printer.either(json, r.toJson(), "saved " + Printer.count(saved.size(), "app") + (saved.isEmpty() ? "" : ": " + join(saved)));
            return 0;
        }
    }

    @Command(name = "resurrect", description = "Start the saved apps meant to run that are not running, each after"
            + " the apps it comes after are ready (idempotent).")
    static final class Resurrect implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            ResurrectResult r = Clients.starting().apps().resurrect();
            List<ResurrectResult.Failure> failed = r.failed();
            List<String> ended = r.ended() != null ? r.ended() : List.of(); // none from an older daemon
            Printer.either(json, r.toJson(), "started " + join(r.started()) + "; running "
                    + join(r.running()) + "; stopped by you " + join(r.stopped())
                    + (ended.isEmpty() ? "" : "; ended by itself " + join(ended))
                    + (failed.isEmpty() ? "" : "; failed " + failures(failed)));
            return failed.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "flush", description = "Empty the log files of a session, or of every session.")
    static final class Flush implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "ID", arity = "0..1", description = "A session; all when left out.")
        String ref;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            Sessions sessions = Clients.existing().sessions();
            List<SessionInfo> known = json ? List.of() : ref != null ? List.of(sessions.get(ref)) : sessions.list(true, null);
            FlushResult r = sessions.flush(ref);
            Printer.either(json, r.toJson(), "flushed the logs of " + Printer.sessions(r.flushed(), known));
            return 0;
        }
    }

    /** {@code api (app "api" not started: "db" is not running (stopped by you))}, for each. */
    private static String failures(List<ResurrectResult.Failure> failed) {
        return String.join(", ", failed.stream().map(f -> f.name() + " (" + f.detail() + ")").toList());
    }

    private static String join(List<String> names) {
        return names.isEmpty() ? "-" : String.join(", ", names);
    }
}
