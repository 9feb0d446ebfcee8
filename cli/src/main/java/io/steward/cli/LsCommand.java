package io.steward.cli;

import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward ls}: the caller's sessions as a table, or JSON for scripts. */
@Command(name = "ls", description = "List sessions (running ones; --all adds exited ones).")
final class LsCommand implements Callable<Integer> {
    @Option(names = {"-a", "--all"}, description = "Include exited sessions still retained.")
    boolean all;

    @Option(names = "--label", paramLabel = "L", description = "Only sessions with this label.")
    String label;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        List<SessionInfo> sessions = Clients.existing().sessions().list(all, label);
        if (json) {
            Printer.json(new SessionList(sessions).toJson());
            return 0;
        }
        Table t = new Table("NAME", "ID", "PID", "KIND", "STATE", "UPTIME", "CPU", "MEM", "DROPPED", "ATTACHED", "RESTARTS",
                "LAST EXIT", "STATUS");
        for (SessionInfo s : sessions) {
            String state = SessionView.state(s);
            boolean running = s.running();
            String stateColour = running ? (state.equals("stalled") ? Table.RED : Table.GREEN) : state.equals("exited 0") ? Table.DIM : Table.RED;
            long dropped = s.droppedBytes();
            t.row(new String[] {
                SessionView.text(s.name()), SessionView.shortId(s), Long.toString(s.pid()), s.kind().wire(),
                state, running ? SessionView.age(s) : "-", SessionView.time(s.cpu()),
                SessionView.bytes(s.peakRssBytes()), dropped == 0 ? "0" : SessionView.bytes(dropped),
                SessionView.attached(s), Integer.toString(s.restarts()),
                SessionView.lastExit(s), SessionView.status(s)
            }, new String[] {null, Table.DIM, null, null, stateColour, null, null, null, dropped == 0 ? null : Table.YELLOW,
                null, null, null, null});
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
