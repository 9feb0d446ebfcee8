package io.steward.cli;

import io.steward.api.SessionInfo;
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
        SessionInfo s = Clients.existing().sessions().get(ref);
        if (json) {
            Printer.json(s.toJson());
            return 0;
        }
        SessionInfo.Heartbeat h = s.heartbeat();
        field("id", s.id());
        field("name", s.name());
        field("label", s.label());
        field("command", SessionView.command(s));
        field("kind", s.kind().wire() + (s.rows() != null ? " " + s.rows() + "x" + s.cols() : ""));
        field("pid", s.pid());
        field("state", SessionView.state(s));
        field("outcome", s.outcome() != null ? s.outcome().wire() : null);
        field("restarts", s.restarts());
        if (s.lastExit() != null) {
            field("last exit", SessionView.lastExit(s));
        }
        if (h.ready() != null) {
            field("ready", h.ready() ? "yes" : "no");
        }
        field("reload", "sends " + s.reloadSignal());
        if (h.status() != null) {
            field("status", h.status());
        }
        if (h.stallAfter() != null) {
            field("heartbeat", "stall after " + SessionView.time(h.stallAfter())
                    + (h.startTimeout() != null ? " (first within " + SessionView.time(h.startTimeout()) + ")" : "")
                    + ", on stall " + h.onStall() + ", " + h.stalls() + " stalls"
                    + (h.lastBeatAge() != null ? ", last beat " + SessionView.time(h.lastBeatAge()) + " ago" : ""));
        }
        field("started", s.startedAt());
        field("age", SessionView.age(s));
        field("idle", SessionView.time(s.idle()));
        field("buffered", SessionView.bytes(s.bufferedBytes()));
        field("dropped", SessionView.bytes(s.droppedBytes()));
        field("stdin", s.stdinOpen() ? "open" : "closed");
        field("attached", SessionView.attached(s));
        field("cpu", SessionView.time(s.cpu()));
        field("rss", s.running() ? SessionView.bytes(s.rssBytes()) : "-");
        field("peak rss", SessionView.bytes(s.peakRssBytes()));
        field("tree cpu", SessionView.time(s.treeCpu()));
        field("tree rss", s.running() ? SessionView.bytes(s.treeRssBytes()) : "-");
        field("tree procs", s.running() ? Integer.toString(s.treeProcesses()) : "-");
        return 0;
    }

    private static void field(String name, Object value) {
        System.out.printf("%-10s %s%n", name, SessionView.text(value));
    }
}
