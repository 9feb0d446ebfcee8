package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.MillisType;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.StewardException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward ls}: the caller's sessions as a table, or JSON for scripts; {@code --watch} redraws it in place. */
@Command(name = "ls", description = "List sessions (running ones; --all adds exited ones).")
final class LsCommand implements Callable<Integer> {
    @Option(names = {"-a", "--all"}, description = "Include exited sessions still retained.")
    boolean all;

    @Option(names = "--label", paramLabel = "L", description = "Only sessions with this label.")
    String label;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Option(names = {"-w", "--watch"}, description = "Redraw the table in place every interval until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "D", description = "With --watch, the time between redraws (default 1s).")
    String interval;

    @Override
    public Integer call() {
        if (watch || interval != null) {
            if (json || !watch) {
                throw new StewardException(ErrorCode.INVALID_INPUT, json ? "--watch: redraws a table; --json is for scripts, which ask again"
                        : "--interval: goes with --watch");
            }
            return new LsWatch(this, new MillisType(100).parse("--interval", interval == null ? "1s" : interval)).run();
        }
        List<SessionInfo> sessions = list();
        if (json) {
            Printer.json(new SessionList(sessions).toJson());
            return 0;
        }
        System.out.print(table(sessions));
        return 0;
    }

    List<SessionInfo> list() {
        return Clients.existing().sessions().list(all, label);
    }

    /** The command line that shows this table, for {@code --watch}'s header. */
    String commandLine() {
        return "steward ls" + (all ? " --all" : "") + (label != null ? " --label " + label : "");
    }

    static String table(List<SessionInfo> sessions) {
        Table t = new Table("NAME", "ID", "PID", "KIND", "STATE", "UPTIME", "CPU", "MEM", "DROPPED", "ATTACHED", "RESTARTS",
                "LAST EXIT", "STATUS");
        for (SessionInfo s : sessions) {
            String state = SessionView.state(s);
            boolean running = s.running();
            String stateColour = running ? (state.equals("stalled") ? Table.RED : Table.GREEN) : state.equals("exited 0") || state.equals(SessionView.CHECKPOINTED) ? Table.DIM : Table.RED;
            long dropped = s.droppedBytes();
            t.row(new String[] {
                SessionView.text(s.name()), SessionView.shortId(s), Long.toString(s.pid()), s.kind().wire(),
                state, running ? SessionView.age(s) : "-", SessionView.time(s.treeCpu()),
                running ? SessionView.bytes(s.treeRssBytes()) : "-", dropped == 0 ? "0" : SessionView.bytes(dropped),
                SessionView.attached(s), Integer.toString(s.restarts()),
                SessionView.lastExit(s), SessionView.status(s)
            }, new String[] {null, Table.DIM, null, null, stateColour, null, null, null, dropped == 0 ? null : Table.YELLOW,
                null, null, null, null});
        }
        return t.render(Table.colourWanted());
    }
}
