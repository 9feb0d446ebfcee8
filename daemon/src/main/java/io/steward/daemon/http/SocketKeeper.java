package io.steward.daemon.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * Keeps the daemon's socket at its path for the daemon's life. A socket is bound under a
 * temporary name in the same directory, made owner-only, and renamed into place: the path never
 * names a half-made socket, and whatever file was there is replaced in one step. Every tick
 * {@link #check} looks at the path; when the file is gone (someone deleted it) or is not the one
 * bound (someone put another there), a new socket is bound the same way. Connections already open
 * stay on the socket they came in on, which is stopped once it has none left.
 *
 * <p>Only the daemon holding the home's lock runs this, so it never takes the path from another
 * live daemon of the same home.
 */
final class SocketKeeper {
    private static final Logger LOG = Logger.getLogger(SocketKeeper.class.getName());

    private final Server server;
    private final Path socket;
    /** A connector of the server, configured, listening at the given path once started. */
    private final Function<Path, UnixDomainServerConnector> connectors;
    private final List<UnixDomainServerConnector> retired = new ArrayList<>();
    private UnixDomainServerConnector current;
    /** The identity (device, inode) of the socket file bound now. */
    private Object bound;
    private int binds;
    private boolean closed;

    SocketKeeper(Server server, Path socket, Function<Path, UnixDomainServerConnector> connectors) {
        this.server = server;
        this.socket = socket;
        this.connectors = connectors;
    }

    /** Binds a new socket and puts it at the path; the one before keeps serving its open connections. */
    synchronized void bind() throws Exception {
        // Short, so a socket path near the 108-byte limit still leaves room for it.
        Path temp = socket.resolveSibling(".sock-" + ProcessHandle.current().pid() + "-" + ++binds);
        Files.deleteIfExists(temp);
        UnixDomainServerConnector c = connectors.apply(temp);
        server.addConnector(c);
        Object identity;
        try {
            c.start();
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            identity = identity(temp);
            Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            stop(c);
            Files.deleteIfExists(temp);
            throw e;
        }
        if (current != null) {
            retired.add(current);
        }
        current = c;
        bound = identity;
    }

    /**
     * Serves the listening socket a daemon before this one handed over (as this process's fd 0,
     * which the JDK offers as its inherited channel): connections that waited in its backlog meanwhile
     * are served now, and the path keeps naming it.
     */
    synchronized void adopt() throws Exception {
        // A name that never exists: stopping the connector deletes its path, which must not be the live one.
        UnixDomainServerConnector c = connectors.apply(socket.resolveSibling(".sock-" + ProcessHandle.current().pid()
                + "-adopted"));
        c.setInheritChannel(true);
        server.addConnector(c);
        c.start();
        // Its own name is the temporary one it was bound under, renamed since: the path is not compared.
        if (!(c.getTransport() instanceof java.nio.channels.ServerSocketChannel ch) || !ch.isOpen()
                || !(ch.getLocalAddress() instanceof java.net.UnixDomainSocketAddress)) {
            stop(c);
            throw new IllegalStateException("fd 0 is not the listening Unix socket handed over for " + socket);
        }
        current = c;
        bound = identity(socket);
    }

    /** Connections open on the socket served now. */
    synchronized int openConnections() {
        return current.getConnectedEndPoints().size();
    }

    /** The descriptor of the listening socket served now: what a hand-over keeps. */
    synchronized int listeningFd() {
        try {
            Object channel = current.getTransport();
            return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot find the listening socket's descriptor: " + e, e);
        }
    }

    /**
     * Stops (or starts again) taking connections on the socket served now, leaving it open: a
     * client that connects meanwhile waits in the backlog for whoever accepts next (this daemon,
     * or the one that takes over). Jetty's own switch does nothing for a connector that accepts
     * through its selector, so its acceptor is closed and made again here.
     */
    synchronized void accepting(boolean accept) {
        try {
            java.lang.reflect.Field f = UnixDomainServerConnector.class.getDeclaredField("acceptor");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            java.util.concurrent.atomic.AtomicReference<java.io.Closeable> acceptor =
                    (java.util.concurrent.atomic.AtomicReference<java.io.Closeable>) f.get(current);
            if (accept) {
                java.lang.reflect.Field m = UnixDomainServerConnector.class.getDeclaredField("selectorManager");
                m.setAccessible(true);
                var manager = (org.eclipse.jetty.io.SelectorManager) m.get(current);
                var made = manager.acceptor((java.nio.channels.SelectableChannel) current.getTransport());
                if (!acceptor.compareAndSet(null, made)) {
                    made.close();
                }
            } else {
                java.io.Closeable a = acceptor.getAndSet(null);
                if (a != null) {
                    a.close();
                }
            }
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot switch accepting " + (accept ? "on" : "off") + ": " + e, e);
        }
    }

    /** One tick's look: stops idle replaced sockets, and binds anew when the path is not ours. */
    synchronized void check() {
        if (closed) {
            return;
        }
        retired.removeIf(c -> c.getConnectedEndPoints().isEmpty() && stop(c));
        if (ours()) {
            return;
        }
        try {
            bind();
            LOG.warning("socket " + socket + " was gone or replaced; bound it again");
        } catch (Exception e) {
            LOG.warning("cannot bind " + socket + " again (next tick tries again): " + e);
        }
    }

    /** True when the path names the socket bound now. */
    synchronized boolean ours() {
        try {
            return bound != null && bound.equals(identity(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /** No more binding; deletes the socket file when it is still ours (never another's). */
    synchronized void close() throws IOException {
        closed = true;
        if (ours()) {
            Files.deleteIfExists(socket);
        }
    }

    private boolean stop(UnixDomainServerConnector c) {
        try {
            c.stop(); // its own path is the temporary name, long renamed away: it deletes nothing
        } catch (Exception e) {
            LOG.warning("stopping a replaced socket: " + e);
        }
        server.removeConnector(c);
        return true;
    }

    private static Object identity(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
