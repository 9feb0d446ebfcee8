package io.steward.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward status ID}: everything about one session, one field a line. */
@Command(name = "status", description = "Show one session.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
    String ref;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> s = Clients.existing().session(ref);
        if (json) {
            Printer.json(s);
            return 0;
        }
        field("id", s.get("id"));
        field("name", s.get("name"));
        field("label", s.get("label"));
        field("command", SessionView.command(s));
        field("kind", s.get("kind") + (s.get("rows") != null ? " " + s.get("rows") + "x" + s.get("cols") : ""));
        field("pid", s.get("pid"));
        field("state", SessionView.state(s));
        field("outcome", s.get("outcome"));
        field("restarts", s.get("restarts"));
        if (s.get("lastExit") != null) {
            field("last exit", SessionView.lastExit(s));
        }
        if (s.get("ready") != null) {
            field("ready", Boolean.TRUE.equals(s.get("ready")) ? "yes" : "no");
        }
        if (s.get("status") != null) {
            field("status", s.get("status"));
        }
        if (s.get("stallAfterMs") != null) {
            field("heartbeat", "stall after " + SessionView.millis(s.get("stallAfterMs"))
                    + (s.get("startTimeoutMs") != null ? " (first within " + SessionView.millis(s.get("startTimeoutMs")) + ")" : "")
                    + ", on stall "
                    + s.get("onStall") + ", " + s.get("stalls") + " stalls"
                    + (s.get("lastBeatAgeMs") != null ? ", last beat " + SessionView.millis(s.get("lastBeatAgeMs")) + " ago" : ""));
        }
        field("started", s.get("startedAt"));
        field("age", SessionView.age(s));
        field("idle", SessionView.millis(s.get("idleMs")));
        field("buffered", SessionView.bytes(s.get("bufferedBytes")));
        field("dropped", SessionView.bytes(s.get("droppedBytes")));
        field("stdin", Boolean.TRUE.equals(s.get("stdinOpen")) ? "open" : "closed");
        field("attached", SessionView.attached(s));
        field("cpu", SessionView.millis(s.get("cpuMs")));
        field("peak rss", SessionView.bytes(s.get("peakRssBytes")));
        return 0;
    }

    private static void field(String name, Object value) {
        System.out.printf("%-10s %s%n", name, SessionView.text(value));
    }
}
