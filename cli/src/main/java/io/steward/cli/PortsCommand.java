package io.steward.cli;

import io.steward.api.PortInfo;
import io.steward.api.PortList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward ports [ID]}: like {@code ss -tuanp}, but only the sockets of supervised trees. */
@Command(name = "ports", description = "List the TCP, UDP and Unix sockets of sessions' process trees: listening and connected.")
final class PortsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SESSION", arity = "0..1",
            description = "Id, unique id prefix (6+ characters) or name; every running session when left out.")
    String ref;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        var sessions = Clients.existing().sessions();
        PortList ports = ref != null ? sessions.ports(ref) : sessions.ports();
        if (json) {
            Printer.json(ports.toJson());
            return 0;
        }
        Table t = new Table("SESSION", "PID", "PROTO", "STATE", "LOCAL", "REMOTE", "IN", "OUT");
        for (PortInfo p : ports.ports()) {
            t.row(new String[] {
                p.name() != null ? p.name() : p.session().substring(0, Math.min(SessionView.SHORT_ID, p.session().length())),
                Long.toString(p.pid()), p.protocol() + (p.family().equals("ipv6") ? "6" : ""), p.state(), p.local(),
                p.remote(), p.bytesIn() != null ? SessionView.bytes(p.bytesIn()) : "-",
                p.bytesOut() != null ? SessionView.bytes(p.bytesOut()) : "-"
            }, new String[] {null, null, null, p.state().equals("LISTEN") ? Table.GREEN : null, null, null, null, null});
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
