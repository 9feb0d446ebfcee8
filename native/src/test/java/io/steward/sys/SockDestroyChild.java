package io.steward.sys;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Joins the destroy groups and hears its own connection close, run as another user by {@link SockDestroyListenerTest}. */
public final class SockDestroyChild {
    public static void main(String[] args) throws Exception {
        List<InetSocket> seen = new ArrayList<>();
        try (SockDestroyListener l = SockDestroyListener.open();
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            int clientPort;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write(new byte[1000]);
                accepted.getInputStream().readNBytes(1000);
            }
            InetSocket s = SockDestroyListenerTest.await(l, seen,
                    k -> k.localPort() == port && k.remotePort() == clientPort, 5000);
            System.out.println("heard " + s.bytesReceived());
        }
    }
}
