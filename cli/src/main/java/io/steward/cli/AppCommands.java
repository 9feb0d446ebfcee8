package io.steward.cli;

import java.util.List;
import java.util.Map;
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
            Map<String, Object> r = Clients.existing().save();
            List<?> saved = (List<?>) r.get("saved");
            Printer.either(json, r, "saved " + saved.size() + " apps" + (saved.isEmpty() ? "" : ": " + join(saved)));
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
            Map<String, Object> r = Clients.starting().resurrect();
            List<?> failed = (List<?>) r.get("failed");
            List<?> ended = (List<?>) r.getOrDefault("ended", List.of()); // none from an older daemon
            Printer.either(json, r, "started " + join((List<?>) r.get("started")) + "; running "
                    + join((List<?>) r.get("running")) + "; stopped by you " + join((List<?>) r.get("stopped"))
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
            Map<String, Object> r = Clients.existing().flush(ref);
            Printer.either(json, r, "flushed the logs of " + ((List<?>) r.get("flushed")).size() + " sessions");
            return 0;
        }
    }

    /** {@code api (app "api" not started: "db" is not running (stopped by you))}, for each. */
    private static String failures(List<?> failed) {
        return String.join(", ", failed.stream().map(f -> {
            Map<?, ?> m = (Map<?, ?>) f;
            return m.get("name") + " (" + m.get("detail") + ")";
        }).toList());
    }

    private static String join(List<?> names) {
        return names.isEmpty() ? "-" : String.join(", ", names.stream().map(String::valueOf).toList());
    }
}
