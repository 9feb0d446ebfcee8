package io.steward.cli;

import io.steward.api.Event;
import io.steward.api.Json;
import io.steward.api.ObservedEvent;
import io.steward.api.SessionEvent;
import io.steward.client.EventQuery;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward observe ID}: what a session run with {@code --observe} did, a line an event
 * ({@code 12:00:01.123 exec 4242 /bin/true}), or JSON lines. Asked for {@code --category lifecycle},
 * its checkpoints read as lines too ({@code checkpointed sha256:… (before) 12M in 840ms}).
 */
@Command(name = "observe", description = "Show what a session run with --observe did: its processes, files and network.")
final class ObserveCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
    String ref;

    @Option(names = "--category", paramLabel = "C", split = ",",
            description = "process, file or network (several: comma-separated or repeated); all three unless given.")
    List<String> categories = new ArrayList<>();

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0",
            description = "Replay events after this sequence number (default ${DEFAULT-VALUE}: all kept).")
    long since;

    @Option(names = "--json", description = "JSON lines, as events prints them.")
    boolean json;

    @Override
    public Integer call() {
        var client = Clients.existing();
        List<String> wanted = categories.isEmpty() ? List.of("process", "file", "network") : categories;
        // Asked even when nothing is kept: the daemon names an unknown session or category.
        long last = follow ? -1 : client.daemon().health().lastEventSeq();
        client.sessions().events(ref, new EventQuery(since, last, wanted), e -> {
            System.out.println(json ? Json.write(e.toJson()) : line(e));
            System.out.flush();
            return true;
        });
        return 0;
    }

    /** Types in a column of their own: the pids line up. */
    private static String pad(String type) {
        return type.length() >= 10 ? type + " " : type + " ".repeat(10 - type.length());
    }

    static String line(Event e) {
        String at = TIME.format(e.at()) + " ";
        return switch (e) {
            case ObservedEvent.Forked f -> at + pad("forked") + f.pid() + " from " + f.ppid();
            case ObservedEvent.Exec x -> at + pad("exec") + x.pid() + " "
                    + (x.argv().isEmpty() ? "[" + (x.comm() != null ? x.comm() : "?") + "]" : String.join(" ", x.argv()));
            case ObservedEvent.ProcessExited x -> at + pad("exited") + x.pid() + " "
                    + (x.signal() != null ? "signal " + x.signal() : "code " + x.exitCode());
            case ObservedEvent.File f -> at + pad(f.type()) + f.pid() + " " + f.path()
                    + (f.toPath() != null ? " -> " + f.toPath() : "");
            case ObservedEvent.Socket k -> at + pad(k.type()) + k.pid() + " " + k.protocol() + " " + k.local()
                    + (k.type().equals("listening") ? "" : " " + k.remote())
                    + (k.bytesIn() != null && k.type().equals("closed")
                            ? " in " + SessionView.bytes(k.bytesIn()) + " out " + SessionView.bytes(k.bytesOut()) : "");
            case ObservedEvent.Missed m -> at + pad(m.type()) + m.events() + " " + m.category() + " events";
            case SessionEvent.Checkpointed c -> at + pad(c.type()) + c.digest() + (c.tag() != null ? " (" + c.tag() + ")" : "")
                    + " " + SessionView.bytes(c.storedBytes()) + " in " + SessionView.time(c.took())
                    + (c.leftRunning() ? ", left running" : "");
            case SessionEvent.Restored r -> at + pad(r.type()) + "pid " + r.pid() + " from " + r.digest();
            case SessionEvent.CheckpointFailed f -> at + pad(f.type()) + f.action() + ": " + f.error();
            default -> at + e.type() + " " + Json.write(e.toJson());
        };
    }
}
