package io.steward.cli;

import io.steward.api.Json;
import io.steward.core.Capabilities;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the observation capability matrix of this host. */
@Command(name = "caps", description = "Show what this host lets steward observe.")
final class CapsCommand implements Runnable {
    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public void run() {
        List<Capabilities.Capability> caps = Capabilities.probe();
        if (json) {
            List<Object> a = new java.util.ArrayList<>();
            for (Capabilities.Capability c : caps) {
                a.add(c.toJson());
            }
            System.out.println(Json.write(Json.object("capabilities", a)));
            return;
        }
        System.out.printf("%-10s %-12s %-12s %s%n", "CATEGORY", "SUPPORT", "BACKEND", "REASON");
        for (Capabilities.Capability c : caps) {
            System.out.printf("%-10s %-12s %-12s %s%n", c.category(), c.support().wire(), c.backend(), c.reason());
        }
    }
}
