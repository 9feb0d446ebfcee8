package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.MillisType;
import io.steward.api.StewardException;
import io.steward.client.StewardClient;
import io.steward.sys.Libc;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward top}: the sessions on a live full screen, with their processor and memory use, and
 * keys that stop, restart, kill, attach to or read the logs of the selected one. Scripts read
 * {@code steward ls --json}: without a terminal this verb refuses rather than print a screen to a file.
 * The screen itself, and the JLine classes behind it, load only here ({@link TopScreen}), so no
 * other verb pays for them.
 */
@Command(name = "top", description = "A live full-screen view of the sessions: cpu, memory, restarts, heartbeats;"
        + " keys stop, restart, kill, attach to or show the logs of the selected one.")
final class TopCommand implements Callable<Integer> {
    @Option(names = "--interval", paramLabel = "D", defaultValue = "1s", description = "Time between refreshes (default ${DEFAULT-VALUE}).")
    String interval;

    @Override
    public Integer call() throws Exception {
        Duration every = new MillisType(100).parse("--interval", interval);
        if (!Libc.isatty(0) || !Libc.isatty(1)) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "top: needs a terminal for stdin and stdout; for scripts, 'steward ls --json'");
        }
        StewardClient client = Clients.existing();
        client.daemon().health(); // no daemon: its one-line error, before the screen changes
        return new TopScreen(client, every).run();
    }
}
