package io.steward.cli;

import io.steward.api.ApplyResult;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward apply -f FILE}: makes the running apps match an apps file. The file is read and
 * checked here (so errors name its lines), the daemon checks every request again and carries the
 * plan out; this prints one line per app and a summary.
 */
@Command(name = "apply", description = "Make the running apps match an apps file (TOML): start new ones,"
        + " restart changed ones, stop removed ones.")
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "The apps file, e.g. steward.toml.")
    String file;

    @Option(names = "--dry-run", description = "Print what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--allow-empty", description = "Apply a file without apps: stop every app applied before.")
    boolean allowEmpty;

    @Option(names = "--json", description = "Print the daemon's answer as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        AppsFile apps = AppsFile.read(Path.of(file), file);
        if (apps.apps.isEmpty() && !allowEmpty) {
            // refused here too, so a mistaken empty file neither starts a daemon nor reaches it
            throw new StewardException(ErrorCode.INVALID_INPUT, file + ": no [[app]] in the file; applying it would"
                    + " stop every app applied before: give --allow-empty to mean that");
        }
        ApplyResult answer;
        try {
            answer = Clients.starting().apps().apply(Json.object("apps", apps.apps, "dryRun", dryRun, "allowEmpty", allowEmpty));
        } catch (StewardException e) {
            throw e.code() == ErrorCode.INVALID_INPUT ? apps.locate(e) : e;
        }
        if (json) {
            Printer.json(answer.toJson());
            return 0;
        }
        int started = 0;
        int restarted = 0;
        int stopped = 0;
        int unchanged = 0;
        for (ApplyResult.Action a : answer.actions()) {
            System.out.println(a.action().wire() + " " + a.name());
            switch (a.action()) {
                case START -> started++;
                case RESTART -> restarted++;
                case STOP -> stopped++;
                case UNCHANGED -> unchanged++;
            }
        }
        System.out.println((dryRun ? "dry run, nothing changed: would start " : "started ") + started
                + (dryRun ? ", restart " : ", restarted ") + restarted + (dryRun ? ", stop " : ", stopped ") + stopped
                + ", unchanged " + unchanged);
        return 0;
    }
}
