package io.steward.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steward beats}: the heartbeat agents the daemon tracks. */
@Command(name = "beats", description = "List heartbeat agents: pid, session, origin, status, last nonce, age, stalls.")
final class BeatsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> beats = Clients.existing().beats();
        if (json) {
            Printer.json(beats);
            return 0;
        }
        Table t = new Table("PID", "SESSION", "ORIGIN", "STATUS", "NONCE", "AGE", "BEATS", "STALLS");
        for (Map<String, Object> a : (List<Map<String, Object>>) beats.get("agents")) {
            boolean stalled = Boolean.TRUE.equals(a.get("stalled"));
            String status = stalled ? "stalled" : SessionView.text(a.get("status"));
            t.row(new String[] {
                SessionView.text(a.get("pid")), a.get("name") != null ? SessionView.text(a.get("name"))
                        : a.get("session") instanceof String id ? id.substring(0, SessionView.SHORT_ID) : "-",
                SessionView.text(a.get("origin")), status, SessionView.text(a.get("lastNonce")),
                SessionView.millis(a.get("ageMs")), SessionView.text(a.get("beats")), SessionView.text(a.get("stalls"))
            }, new String[] {null, null, "network-unverified".equals(a.get("origin")) ? Table.YELLOW : null,
                stalled || "critical".equals(a.get("status")) ? Table.RED : "ok".equals(a.get("status")) ? Table.GREEN
                        : Table.YELLOW, null, null, null, null});
        }
        System.out.print(t.render(Table.colourWanted()));
        return 0;
    }
}
