package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.PortInfo;
import io.steward.api.PortList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code steward ports}: the sockets of supervised trees, as a table and as JSON. */
class PortsCommandTest extends WithDaemon {
    private PortList ports(String... ref) throws Exception {
        String[] args = new String[ref.length + 2];
        args[0] = "ports";
        System.arraycopy(ref, 0, args, 1, ref.length);
        args[args.length - 1] = "--json";
        return PortList.fromJson(Json.parseObject(ok(args)));
    }

    @Test
    void anHttpServersPortIsListedAsATableAndAsJson() throws Exception {
        String id = ok("run", "--name", "web", "--cwd", tmp.toString(), "--", "python3", "-m", "http.server", "0",
                "--bind", "127.0.0.1").strip();
        long pid = ((Number) status(id).get("pid")).longValue();
        Cli.poll("the server to listen", () -> {
            try {
                return ports(id).ports().stream().anyMatch(p -> p.state().equals("LISTEN"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        PortInfo l = ports(id).ports().stream().filter(p -> p.state().equals("LISTEN")).findFirst().orElseThrow();
        assertEquals(pid, l.pid());
        assertEquals("tcp", l.protocol());
        assertTrue(l.local().startsWith("127.0.0.1:"), l.local());

        List<String> lines = ok("ports", id).lines().toList();
        assertEquals(List.of("SESSION", "PID", "PROTO", "STATE", "LOCAL", "REMOTE", "IN", "OUT"),
                List.of(lines.getFirst().trim().split("\\s+")));
        assertTrue(lines.stream().anyMatch(r -> List.of(r.trim().split("\\s+")).equals(
                List.of("web", Long.toString(pid), "tcp", "LISTEN", l.local(), l.remote(), "0B", "0B"))), lines.toString());
        assertTrue(ok("ports").contains(l.local()), "listed among every session's too");
    }

    @Test
    void aUnixListenerIsARowWithItsPathAndNoCounters() throws Exception {
        String path = tmp.resolve("app.sock").toString();
        String id = ok("run", "--name", "unixapp", "--", "python3", "-c", "import socket, sys, time\n"
                + "s = socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen()\ntime.sleep(120)", path).strip();
        long pid = ((Number) status(id).get("pid")).longValue();
        Cli.poll("the unix listener", () -> {
            try {
                return ports(id).ports().stream().anyMatch(p -> p.protocol().equals("unix"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<String> lines = ok("ports", id).lines().toList();
        assertTrue(lines.stream().anyMatch(r -> List.of(r.trim().split("\\s+")).equals(
                List.of("unixapp", Long.toString(pid), "unix", "LISTEN", path, "*", "-", "-"))), lines.toString());
    }

    @Test
    void anUnknownSessionIsNotFound() throws Exception {
        Cli.Result r = steward("ports", "nosuch");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("steward: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
