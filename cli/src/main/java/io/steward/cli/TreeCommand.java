package io.steward.cli;

import io.steward.api.ProcessTreeInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward tree ID}: like {@code pstree -p}, with each process's cpu time and memory. */
@Command(name = "tree", description = "Show a session's live process tree, with each process's cpu time and memory.")
final class TreeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
    String ref;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        ProcessTreeInfo tree = Clients.existing().sessions().tree(ref);
        if (json) {
            Printer.json(tree.toJson());
            return 0;
        }
        Table t = new Table("PID", "CPU", "MEM", "READ", "WRITE", "FILES", "COMMAND");
        for (ProcessTreeInfo.Node n : tree.processes()) {
            String cmd = n.argv().isEmpty() ? "[" + n.comm() + "]" : String.join(" ", n.argv());
            String branch = n.depth() == 0 ? "" : "  ".repeat(n.depth() - 1) + "└─ ";
            t.row(new String[] {Long.toString(n.pid()), SessionView.time(java.time.Duration.ofMillis(n.cpuMs())),
                SessionView.bytes(n.rssBytes()), SessionView.bytes(n.readBytes()), SessionView.bytes(n.writeBytes()),
                n.openFiles() != null ? Long.toString(n.openFiles()) : "-",
                branch + cmd + (n.escaped() ? "  (own session)" : "")},
                    new String[] {null, null, null, null, null, null, n.escaped() ? Table.YELLOW : null});
        }
        if (tree.processes().size() > 1) {
            t.row(new String[] {"", "", "", SessionView.bytes(tree.readBytes()), SessionView.bytes(tree.writeBytes()),
                Long.toString(tree.openFiles()), "(the whole tree)"}, new String[7]);
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
