package io.steward.daemon.http;

import io.steward.sys.Libc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * Reads the peer's credentials once per connection, from the kernel (SO_PEERCRED), and keeps them
 * on the connection for every request on it. The JDK reports only user names for a Unix channel,
 * so the descriptor is read through {@code sun.nio.ch.SelChImpl#getFDVal} (exported to us at
 * launch) and the pid comes from getsockopt.
 */
final class Peers implements Connection.Listener {
    static final String ATTRIBUTE = "steward.peer";
    private static final MethodHandle FD_VAL = fdVal();

    private static MethodHandle fdVal() {
        try {
            return MethodHandles.lookup()
                    .findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, SocketChannel.class));
        } catch (ReflectiveOperationException | IllegalAccessError e) {
            return null;
        }
    }

    /** What the kernel says about the peer; uid -1 when it could not be read (refused like a stranger). */
    record Peer(int uid, int pid) {}

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof ConnectionMetaData md && connection.getEndPoint() instanceof SocketChannelEndPoint ep) {
            md.setAttribute(ATTRIBUTE, peerOf(ep.getChannel()));
        }
    }

    static Peer peerOf(SocketChannel channel) {
        if (FD_VAL == null) {
            return new Peer(-1, -1);
        }
        try {
            int fd = (int) FD_VAL.invokeExact(channel);
            Libc.PeerCredentials c = Libc.peerCredentials(fd);
            return new Peer(c.uid(), c.pid());
        } catch (Throwable t) {
            return new Peer(-1, -1);
        }
    }
}
