package io.steward.core;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;

/** Lists its own listener through a dump and its own descriptors, run as another user by {@link SocketsTest}. */
public final class SocketsChild {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int self = (int) ProcessHandle.current().pid();
            String suffix = ":" + server.getLocalPort();
            Map<Long, Integer> owners = Sockets.owners(Set.of(self));
            boolean found = Sockets.dump().stream().anyMatch(s -> s.state().equals("LISTEN")
                    && s.local().endsWith(suffix) && Integer.valueOf(self).equals(owners.get(s.inode())));
            Capabilities.Capability row = Capabilities.network();
            System.out.println((found ? "listed" : "missing") + " " + row.support().wire() + " " + row.backend());
        }
    }
}
