package io.steward.daemon;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A session's TCP server: listens on a loopback port, greets each connection with 1000 bytes and reads it to the end. */
public final class ListeningChild {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("port " + server.getLocalPort());
            while (true) {
                Socket s = server.accept();
                Thread.ofPlatform().start(() -> serve(s));
            }
        }
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            s.getOutputStream().write(new byte[1000]);
            s.getOutputStream().flush();
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) >= 0) {
                // Read everything, so the sender's bytes are acknowledged and counted.
            }
        } catch (java.io.IOException e) {
            // The test closed its end.
        }
    }
}
