package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.CapabilityMatrix;
import io.steward.api.ErrorCode;
import io.steward.api.PortInfo;
import io.steward.api.PortList;
import io.steward.api.StewardException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class PortsApiTest extends DaemonFixture {
    /** The port the session's listener is on, once the daemon lists it. */
    private int listening(String id) {
        int[] port = new int[1];
        poll("a listening socket of " + id, () -> {
            Optional<PortInfo> l = client.sessions().ports(id).ports().stream()
                    .filter(p -> p.state().equals("LISTEN")).findFirst();
            l.ifPresent(p -> port[0] = Integer.parseInt(p.local().substring(p.local().lastIndexOf(':') + 1)));
            return l.isPresent();
        });
        return port[0];
    }

    @Test
    void aSessionsListenerAndConnectionAppearWithByteCounts() throws Exception {
        String id = run("argv", javaChild(ListeningChild.class.getName()), "name", "web").id();
        String other = run("argv", javaChild(ListeningChild.class.getName()), "name", "other").id();
        long pid = client.sessions().get(id).pid();
        int port = listening(id);
        int otherPort = listening(other);
        PortInfo listener = client.sessions().ports(id).ports().stream().filter(p -> p.state().equals("LISTEN"))
                .findFirst().orElseThrow();
        assertEquals(pid, listener.pid(), "held by the session's own process");
        assertEquals("tcp", listener.protocol());
        assertEquals("web", listener.name());
        assertEquals(id, listener.session());
        assertTrue(listener.local().contains("127.0.0.1"), listener.local());
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.getOutputStream().write(new byte[100 * 1024]);
            c.getOutputStream().flush();
            InputStream in = c.getInputStream();
            int got = 0;
            while (got < 1000) {
                got += in.read(new byte[1000], 0, 1000 - got);
            }
            String peer = ":" + c.getLocalPort();
            poll("the connection with its bytes counted", () -> client.sessions().ports(id).ports().stream()
                    .anyMatch(p -> p.state().equals("ESTAB") && p.remote().endsWith(peer) && p.bytesIn() != null
                            && p.bytesIn() >= 100 * 1024 && p.bytesOut() >= 1000));
            PortInfo conn = client.sessions().ports(id).ports().stream()
                    .filter(p -> p.state().equals("ESTAB") && p.remote().endsWith(peer)).findFirst().orElseThrow();
            assertEquals(pid, conn.pid());
            assertTrue(conn.local().endsWith(":" + port), conn.local());
        }
        List<PortInfo> theOther = client.sessions().ports(other).ports();
        assertTrue(theOther.stream().noneMatch(p -> p.local().endsWith(":" + port)), "not another session's: " + theOther);
        assertTrue(client.sessions().ports(id).ports().stream().noneMatch(p -> p.local().endsWith(":" + otherPort)));
        PortList all = client.sessions().ports();
        assertTrue(all.ports().stream().anyMatch(p -> p.session().equals(id) && p.local().endsWith(":" + port)));
        assertTrue(all.ports().stream().anyMatch(p -> p.session().equals(other) && p.local().endsWith(":" + otherPort)));
        assertEquals(List.of(id, other), all.ports().stream().map(PortInfo::session).distinct().toList(),
                "session by session, in the session list's order");
    }

    @Test
    void aDescendantsSocketsAreTheSessions() {
        String id = run("argv", List.of("sh", "-c", String.join(" ", javaChild(ListeningChild.class.getName()))
                + "; true")).id();
        long root = client.sessions().get(id).pid();
        listening(id);
        PortInfo l = client.sessions().ports(id).ports().stream().filter(p -> p.state().equals("LISTEN"))
                .findFirst().orElseThrow();
        assertTrue(l.pid() != root, "held by the shell's child, not the shell");
    }

    @Test
    void aSessionsUnixListenerIsListedByItsPath() {
        String path = home.resolve("py.sock").toString();
        String id = run("argv", List.of("python3", "-c", "import socket, sys, time\n"
                + "s = socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen()\ntime.sleep(120)", path)).id();
        long pid = client.sessions().get(id).pid();
        poll("the unix listener of " + id, () -> client.sessions().ports(id).ports().stream()
                .anyMatch(p -> p.protocol().equals("unix")));
        List<PortInfo> unix = client.sessions().ports(id).ports().stream().filter(p -> p.protocol().equals("unix"))
                .toList();
        assertEquals(1, unix.size(), unix.toString());
        PortInfo l = unix.getFirst();
        assertEquals("unix", l.family());
        assertEquals("LISTEN", l.state());
        assertEquals(path, l.local());
        assertEquals("*", l.remote());
        assertEquals(pid, l.pid());
        assertEquals(null, l.bytesIn());
        assertEquals(null, l.bytesOut());
        assertTrue(client.sessions().ports().ports().stream().anyMatch(p -> p.session().equals(id) && p.local().equals(path)),
                "in the list of every session's too");
    }

    @Test
    void anExitedSessionHasNoPortsAndAnUnknownOneIsNotFound() {
        String id = run("argv", List.of("true")).id();
        waitExit(id);
        assertEquals(List.of(), client.sessions().ports(id).ports());
        StewardException e = org.junit.jupiter.api.Assertions.assertThrows(StewardException.class,
                (Executable) () -> client.sessions().ports("nosuchsession"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals(405, raw("POST", "/v1/ports", null).status());
    }

    @Test
    void theNetworkRowSaysWhatIsObserved() {
        CapabilityMatrix.Capability network = client.daemon().capabilities().capabilities().stream()
                .filter(c -> c.category().equals("network")).findFirst().orElseThrow();
        assertEquals(CapabilityMatrix.Support.PARTIAL, network.support());
        assertEquals("sock_diag", network.backend());
        assertTrue(network.reason().contains("closed (TCP's final byte counts")
                && network.reason().contains("UDP and Unix sockets without byte counts"), network.reason());
    }
}
