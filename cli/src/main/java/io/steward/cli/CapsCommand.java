package io.steward.cli;

import io.steward.api.CapabilityMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the daemon's observation capability matrix: what its host, user and namespaces let it
 * observe, negotiated when it started (so the answer is the daemon's, not this command's).
 */
@Command(name = "caps", description = "Show what the daemon's host lets steward observe, and why.")
final class CapsCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        CapabilityMatrix caps = Clients.starting().daemon().capabilities();
        if (json) {
            Printer.json(caps.toJson());
            return 0;
        }
        Table t = new Table("CATEGORY", "SUPPORT", "BACKEND", "REASON");
        for (CapabilityMatrix.Capability c : caps.capabilities()) {
            t.row(new String[] {c.category(), c.support().wire(), c.backend(), c.reason()}, new String[] {
                null, c.support() == CapabilityMatrix.Support.SUPPORTED ? Table.GREEN : null, null, null});
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
