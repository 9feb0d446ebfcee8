package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.MillisType;
import io.steward.api.StewardException;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import io.steward.sys.Libc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward top}: the sessions on a live full screen, with their processor and memory use, and
 * keys that stop, restart, kill, attach to or read the logs of the selected one. Without a terminal
 * it refuses rather than print a screen to a file; {@code --json} is its one snapshot for scripts.
 * The screen itself, and the JLine classes behind it, load only here ({@link TopScreen}), so no
 * other verb pays for them.
 */
@Command(name = "top", description = "A live full-screen view of the sessions: cpu, memory, restarts, heartbeats;"
        + " keys stop, restart, kill, attach to or show the logs of the selected one.")
final class TopCommand implements Callable<Integer> {
    @Option(names = "--interval", paramLabel = "D", defaultValue = "1s", description = "Time between refreshes (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--json", description = "No screen: one JSON document of the sessions with their cpu %% over one interval.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Duration every = new MillisType(100).parse("--interval", interval);
        if (json) {
            Printer.json(snapshot(Clients.existing().sessions(), every));
            return 0;
        }
        if (!Libc.isatty(0) || !Libc.isatty(1)) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "top: needs a terminal for stdin and stdout; for scripts, 'steward top --json'");
        }
        StewardClient client = Clients.existing();
        client.daemon().health(); // no daemon: its one-line error, before the screen changes
        return new TopScreen(client, every).run();
    }

    /** The sessions as {@code ls --json} writes them, in top's order, each with its {@code cpuPercent} over {@code every}. */
    static Map<String, Object> snapshot(Sessions sessions, Duration every) throws InterruptedException {
        TopModel model = new TopModel();
        model.update(sessions.list(true, null));
        Thread.sleep(every); // the window the processor use is measured over
        model.update(sessions.list(true, null));
        List<Object> rows = new ArrayList<>();
        for (TopRow r : model.rows()) {
            Map<String, Object> m = r.session().toJson();
            m.put("cpuPercent", r.cpuPercent());
            rows.add(m);
        }
        return Json.object("intervalMs", every.toMillis(), "sessions", rows);
    }
}
