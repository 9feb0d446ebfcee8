package io.steward.daemon;

import io.steward.api.Json;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.core.ProcStat;
import io.steward.daemon.http.ApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A daemon run where the test puts it (as nobody, in a PID namespace): prints its capability
 * matrix, then whether a session's {@code env -i setsid -f} escapee was listed in its tree and
 * ended by a stop, as JSON lines.
 */
public final class ConfinedDaemonMain {
    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("steward-confined");
        String mark = args[0];
        Daemon daemon = Daemon.open(new StewardHome(home, home.resolve("steward.sock")));
        ApiServer server = ApiServer.start(daemon);
        try {
            StewardClient client = new StewardClient(new StewardHome(home, home.resolve("steward.sock")));
            System.out.println(Json.write(client.daemon().capabilities().toJson()));
            // Every category asked for: what the host does not allow degrades, it is not refused.
            String id = DaemonFixture.runOn(client, "argv", List.of("sh", "-c",
                    "env -i setsid -f sleep " + mark + "; exec sleep 600"), "observe", List.of("all")).id();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean listed = false;
            while (!listed && System.nanoTime() < deadline) {
                listed = client.sessions().tree(id).processes().stream()
                        .anyMatch(n -> n.argv().equals(List.of("sleep", mark)) && n.escaped());
                Thread.sleep(50);
            }
            ProcStat e = find(mark).orElseThrow();
            int ports = client.sessions().ports(id).ports().size(); // sock_diag answers here too

            client.sessions().stop(id, Duration.ofSeconds(2), true);
            while (ProcStat.isAlive(e.pid(), e.startTicks()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println(Json.write(Json.object("listed", listed, "gone", !ProcStat.isAlive(e.pid(), e.startTicks()),
                    "ports", (long) ports)));
        } finally {
            server.close();
            daemon.close();
        }
        System.exit(0);
    }

    private static Optional<ProcStat> find(String mark) {
        return ProcStat.all().stream().filter(p -> ProcStat.cmdline(p.pid()).equals(List.of("sleep", mark))).findFirst();
    }
}
