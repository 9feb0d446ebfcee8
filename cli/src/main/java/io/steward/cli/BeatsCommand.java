package io.steward.cli;

import io.steward.api.BeatOrigin;
import io.steward.api.BeatStats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward beats}: the heartbeat agents the daemon tracks. */
@Command(name = "beats", description = "List heartbeat agents: pid, session, origin, status, last nonce, age, stalls.")
final class BeatsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
        BeatStats beats = Clients.existing().daemon().beats();
        if (json) {
            Printer.json(beats.toJson());
            return 0;
        }
        Table t = new Table("PID", "SESSION", "ORIGIN", "STATUS", "NONCE", "AGE", "BEATS", "STALLS");
        for (BeatStats.Agent a : beats.agents()) {
            String status = a.stalled() ? "stalled" : SessionView.wire(a.status());
            t.row(new String[] {
                Long.toString(a.pid()), a.name() != null ? a.name()
                        : a.session() != null ? a.session().substring(0, SessionView.SHORT_ID) : "-",
                SessionView.wire(a.origin()), status, Long.toUnsignedString(a.lastNonce()), SessionView.time(a.age()),
                Long.toString(a.beats()), Long.toString(a.stalls())
            }, new String[] {null, null, a.origin() == BeatOrigin.NETWORK_UNVERIFIED ? Table.YELLOW : null,
                a.stalled() || a.status() == BeatStats.Status.CRITICAL ? Table.RED
                        : a.status() == BeatStats.Status.OK ? Table.GREEN : Table.YELLOW, null, null, null, null});
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
