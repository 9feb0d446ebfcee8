package io.steward.core;

import io.steward.sys.InetSocket;
import io.steward.sys.SockDestroyListener;
import io.steward.sys.SockDiag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Network events of watched process sets (sessions): sockets that start {@linkplain Opened#kind()
 * listening or connected}, found by diffing {@link #refresh() refreshes} (one sock_diag dump each),
 * and sockets that {@linkplain Closed closed}, with their final byte counts, from the kernel's
 * destroy broadcasts ({@link SockDestroyListener}, joined while anything is watched, left when
 * nothing is).
 *
 * <p>A destroyed socket has no inode any more, so no descriptor names its owner. It is attributed
 * {@linkplain Attribution#COOKIE by its cookie} when a refresh saw it held by a watched set, or else
 * {@linkplain Attribution#LISTENER by its local port}, when that is the port of a socket the set
 * listens on: connections accepted and closed between two refreshes. Other sockets, a watched set's
 * outgoing connections opened and closed between refreshes included, are not attributed.
 *
 * <p>Thread-safe: refreshes (a request thread) and drains (the loop holding {@link #fd()}) may interleave.
 */
public final class SocketWatch implements AutoCloseable {
    /**
     * How long a socket is remembered once no dump shows it: the kernel sends its destroy broadcast
     * from a work queue, so the broadcast can come after a dump that no longer lists the socket.
     */
    private static final long FORGET_NANOS = 5_000_000_000L;
    private static final int TCP_ESTABLISHED = 1;
    private static final int TCP_SYN_SENT = 2;
    private static final int TCP_SYN_RECV = 3;
    private static final int TCP_CLOSE = 7;
    private static final int TCP_LISTEN = 10;
    private static final int TCP_NEW_SYN_RECV = 12;

    public enum Kind {
        /** A TCP socket in LISTEN, or a bound unconnected UDP socket (what {@code ss -l} lists). */
        LISTENING,
        /** A TCP connection past its handshake, or a connected UDP socket. */
        CONNECTED
    }

    public enum Attribution {
        /** A refresh saw the socket behind a descriptor of the set. */
        COOKIE,
        /** Its local port is that of a socket the set listens on: an accepted connection. */
        LISTENER
    }

    /** A socket of {@code key}'s set that a refresh found listening or connected for the first time. */
    public record Opened(Object key, Kind kind, int pid, Sockets.Socket socket) {}

    /**
     * A socket of {@code key}'s set that the kernel freed. {@code socket} is as the broadcast showed
     * it (state {@code UNCONN}, TCP's closed state), with the inode and uid known while it lived
     * (0 and the listener's uid for one attributed by its listener).
     *
     * @param pid the holder seen by a refresh; for {@link Attribution#LISTENER}, the listener's holder
     */
    public record Closed(Object key, int pid, Sockets.Socket socket, Attribution by) {
        /** TCP's final {@code bytes_acked} (the SYN and FIN count one each); null for UDP. */
        public Long bytesSent() {
            return socket.bytesOut();
        }

        /** TCP's final {@code bytes_received}; null for UDP. */
        public Long bytesReceived() {
            return socket.bytesIn();
        }
    }

    /** A socket a refresh saw held by {@code key}'s set, kept until its broadcast or until forgotten. */
    private record Known(Object key, int pid, InetSocket raw, long lastSeen) {}

    private final Map<Object, Supplier<? extends Collection<Integer>>> watched = new LinkedHashMap<>();
    private final Map<Object, Set<Long>> announced = new HashMap<>();
    private final Map<Long, Known> byCookie = new HashMap<>();
    private Map<Integer, List<Known>> listenersByPort = Map.of();
    private final List<Closed> pending = new ArrayList<>();
    private SockDestroyListener listener;
    private long lossesOfClosedListeners;

    /**
     * Watches the processes {@code pids} returns at each refresh (a session's root and descendants),
     * joining the destroy groups if nothing was watched. Watching a key again replaces its supplier.
     */
    public synchronized void watch(Object key, Supplier<? extends Collection<Integer>> pids) {
        if (listener == null) {
            listener = SockDestroyListener.open();
        }
        watched.put(key, pids);
        announced.computeIfAbsent(key, k -> new HashSet<>());
    }

    /** Stops watching {@code key}, forgetting its sockets; leaves the destroy groups when nothing is watched. */
    public synchronized void unwatch(Object key) {
        if (watched.remove(key) == null) {
            return;
        }
        announced.remove(key);
        byCookie.values().removeIf(k -> k.key().equals(key));
        pending.removeIf(c -> c.key().equals(key));
        rebuildListeners();
        if (watched.isEmpty()) {
            closeListener();
        }
    }

    /** The destroy listener's descriptor, readable when {@link #drain} has something; -1 while nothing is watched. */
    public synchronized int fd() {
        return listener == null ? -1 : listener.fd();
    }

    /**
     * One dump of the host's sockets, matched to the watched sets' descriptors: the sockets each set
     * holds that no earlier refresh reported listening or connected.
     */
    public synchronized List<Opened> refresh() {
        if (watched.isEmpty()) {
            return List.of();
        }
        // Broadcasts already queued are attributed with what the previous refresh knew.
        drainKernel();
        Map<Long, Holder> holders = new HashMap<>();
        for (Map.Entry<Object, Supplier<? extends Collection<Integer>>> w : watched.entrySet()) {
            for (Map.Entry<Long, Integer> o : Sockets.owners(w.getValue().get()).entrySet()) {
                holders.putIfAbsent(o.getKey(), new Holder(w.getKey(), o.getValue()));
            }
        }
        long now = System.nanoTime();
        Map<Object, Set<Long>> held = new HashMap<>();
        List<Opened> out = new ArrayList<>();
        for (InetSocket s : SockDiag.dump()) {
            Holder h = s.inode() == 0 ? null : holders.get(s.inode());
            if (h == null) {
                Known k = byCookie.get(s.cookie());
                if (k != null) {
                    // Orphaned (closing, no descriptor left) but not yet freed: still expect its broadcast.
                    byCookie.put(s.cookie(), new Known(k.key(), k.pid(), k.raw(), now));
                }
                continue;
            }
            byCookie.put(s.cookie(), new Known(h.key(), h.pid(), s, now));
            held.computeIfAbsent(h.key(), k -> new HashSet<>()).add(s.cookie());
            Kind kind = kind(s);
            if (kind != null && announced.get(h.key()).add(s.cookie())) {
                out.add(new Opened(h.key(), kind, h.pid(), Sockets.of(s)));
            }
        }
        for (Map.Entry<Object, Set<Long>> a : announced.entrySet()) {
            a.getValue().retainAll(held.getOrDefault(a.getKey(), Set.of()));
        }
        byCookie.values().removeIf(k -> now - k.lastSeen() > FORGET_NANOS);
        rebuildListeners();
        return out;
    }

    /**
     * Passes every watched set's socket freed since the last drain to {@code sink}, in the order the
     * kernel broadcast them.
     *
     * @return how many were passed
     */
    public int drain(Consumer<? super Closed> sink) {
        List<Closed> ready;
        synchronized (this) {
            drainKernel();
            ready = new ArrayList<>(pending);
            pending.clear();
        }
        ready.forEach(sink);
        return ready.size();
    }

    /** How many times the kernel reported dropping broadcasts (ENOBUFS): closes that may have gone unseen. */
    public synchronized long losses() {
        return lossesOfClosedListeners + (listener == null ? 0 : listener.losses());
    }

    @Override
    public synchronized void close() {
        watched.clear();
        announced.clear();
        byCookie.clear();
        pending.clear();
        listenersByPort = Map.of();
        closeListener();
    }

    private record Holder(Object key, int pid) {}

    private void drainKernel() {
        if (listener != null) {
            listener.drain(this::attribute);
        }
    }

    private void attribute(InetSocket gone) {
        Known k = byCookie.remove(gone.cookie());
        if (k != null) {
            pending.add(new Closed(k.key(), k.pid(), closed(gone, k.raw()), Attribution.COOKIE));
            return;
        }
        if (gone.protocol() != SockDiag.IPPROTO_TCP) {
            return;
        }
        for (Known l : listenersByPort.getOrDefault(gone.localPort(), List.of())) {
            if (sameLocalAddress(l.raw(), gone)) {
                InetSocket accepted = new InetSocket(gone.family(), gone.protocol(), gone.state(), gone.localAddress(),
                        gone.localPort(), gone.remoteAddress(), gone.remotePort(), l.raw().uid(), 0, gone.cookie(),
                        gone.bytesAcked(), gone.bytesReceived());
                pending.add(new Closed(l.key(), l.pid(), Sockets.of(accepted), Attribution.LISTENER));
                return;
            }
        }
    }

    /** The broadcast's state and counters with the identity the socket had while it lived. */
    private static Sockets.Socket closed(InetSocket gone, InetSocket alive) {
        return Sockets.of(new InetSocket(gone.family(), gone.protocol(), gone.state(), gone.localAddress(),
                gone.localPort(), gone.remoteAddress(), gone.remotePort(), alive.uid(), alive.inode(), gone.cookie(),
                gone.bytesAcked(), gone.bytesReceived()));
    }

    /** A listener on the wildcard address accepts on any local address, IPv4 ones included for IPv6. */
    private static boolean sameLocalAddress(InetSocket listening, InetSocket accepted) {
        byte[] l = listening.localAddress();
        if (isZero(l)) {
            return listening.family() == SockDiag.AF_INET6 || accepted.family() == SockDiag.AF_INET;
        }
        return java.util.Arrays.equals(l, accepted.localAddress());
    }

    private static boolean isZero(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void rebuildListeners() {
        Map<Integer, List<Known>> m = new HashMap<>();
        for (Known k : byCookie.values()) {
            if (k.raw().protocol() == SockDiag.IPPROTO_TCP && k.raw().state() == TCP_LISTEN) {
                m.computeIfAbsent(k.raw().localPort(), p -> new ArrayList<>(1)).add(k);
            }
        }
        listenersByPort = m;
    }

    /** Null while a TCP handshake is under way: the socket is announced once connected. */
    static Kind kind(InetSocket s) {
        if (s.protocol() == SockDiag.IPPROTO_UDP) {
            return s.state() == TCP_ESTABLISHED ? Kind.CONNECTED : s.state() == TCP_CLOSE ? Kind.LISTENING : null;
        }
        return switch (s.state()) {
            case TCP_LISTEN -> Kind.LISTENING;
            case TCP_SYN_SENT, TCP_SYN_RECV, TCP_NEW_SYN_RECV, TCP_CLOSE -> null;
            default -> Kind.CONNECTED;
        };
    }

    private void closeListener() {
        if (listener != null) {
            lossesOfClosedListeners += listener.losses();
            listener.close();
            listener = null;
        }
    }
}
