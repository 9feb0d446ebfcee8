package io.steward.core;

import io.steward.sys.Epoll;
import io.steward.sys.NativeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * File and network observation of the trees that ask for it, on one thread of its own
 * ({@code steward-observe}), started when the first such tree is spawned: nothing is opened, no
 * thread runs and no event is read while none asks. Its epoll set holds the fanotify group and
 * the sockets' destroy listener; every second it refreshes the watched trees' sockets. A member's
 * pid is matched to its tree by the membership the proc connector keeps (a process that exited a
 * moment ago still counts: a short {@code mv} is often read after it ended).
 */
final class Observation implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Observation.class.getName());
    private static final long REFRESH_MILLIS = 1000;
    /** How long a tree's sockets stay watched after its root ended: the last closes are broadcast late. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int FILES = 1;
    private static final int SOCKETS = 2;

    private final ProcessRuntime runtime;
    private final Set<ManagedProcess> fileTrees = ConcurrentHashMap.newKeySet();
    /** Spawns of trees that asked for files, between {@link #prepare} and {@link #started}. */
    private final java.util.concurrent.atomic.AtomicInteger preparing = new java.util.concurrent.atomic.AtomicInteger();
    /** The lowest root pid of the trees watched for files; 0 while one is being spawned. */
    private volatile int lowestRoot;
    private final Set<ManagedProcess> netTrees = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<ManagedProcess, Long> leaving = new ConcurrentHashMap<>();
    private volatile ObservationListener listener;
    private Epoll epoll;
    private Thread thread;
    private FileWatch files;
    private String filesUnavailable;
    private final SocketWatch sockets = new SocketWatch();
    private int socketFd = -1;
    private long reportedOverflows;
    private long reportedLosses;
    private volatile boolean closed;

    Observation(ProcessRuntime runtime) {
        this.runtime = runtime;
    }

    void listen(ObservationListener l) {
        this.listener = l;
    }

    /**
     * Before a spawn: the filesystems a tree that asks for files works on are marked before it can
     * touch them, and what they report is held until {@link #started} says whose it is.
     */
    synchronized void prepare(ProcessSpec spec) {
        if (closed || !spec.observes(Observe.FILE) && !spec.observes(Observe.NETWORK)) {
            return;
        }
        startThread();
        if (spec.observes(Observe.FILE) && openFiles()) {
            preparing.incrementAndGet();
            lowestRoot = 0;
            for (Path dir : List.of(spec.cwd() != null ? spec.cwd() : Path.of("").toAbsolutePath(), Path.of("/"),
                    Path.of("/tmp"))) {
                try {
                    files.watch(dir);
                } catch (NativeException e) {
                    LOG.log(Level.FINE, "no fanotify mark for " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /** A prepared spawn is over: it started, or failed. */
    synchronized void unprepared(ProcessSpec spec) {
        if (spec.observes(Observe.FILE) && files != null && preparing.decrementAndGet() == 0) {
            lowestRoot = fileTrees.stream().mapToInt(ManagedProcess::pid).min().orElse(Integer.MAX_VALUE);
        }
    }

    /** A tree spawned: watched from now on if it asked. */
    synchronized void started(ManagedProcess p) {
        boolean file = p.spec().observes(Observe.FILE);
        boolean net = p.spec().observes(Observe.NETWORK);
        if (closed || (!file && !net)) {
            return;
        }
        if (file && files != null) {
            fileTrees.add(p);
            unprepared(p.spec());
        }
        if (net) {
            sockets.watch(p, () -> p.tree().rootAndBorn());
            netTrees.add(p);
            registerSockets();
        }
    }

    /** A tree's root was reaped: its files stop now, its sockets after the last closes had time to come. */
    void ended(ManagedProcess p) {
        if (fileTrees.remove(p)) {
            synchronized (this) {
                if (preparing.get() == 0) {
                    lowestRoot = fileTrees.stream().mapToInt(ManagedProcess::pid).min().orElse(Integer.MAX_VALUE);
                }
            }
        }
        if (netTrees.contains(p)) {
            leaving.put(p, System.nanoTime());
        }
    }

    /** Why file events are not available here, or null when they are (or nobody asked yet). */
    synchronized String filesUnavailable() {
        return filesUnavailable;
    }

    private boolean openFiles() {
        if (files != null) {
            return true;
        }
        if (filesUnavailable != null) {
            return false;
        }
        try {
            files = FileWatch.open();
            epoll.add(files.fd(), Epoll.IN, FILES);
            return true;
        } catch (NativeException e) {
            filesUnavailable = e.getMessage();
            return false;
        }
    }

    private void registerSockets() {
        int fd = sockets.fd();
        if (fd >= 0 && fd != socketFd) {
            if (socketFd >= 0) {
                epoll.remove(socketFd);
            }
            epoll.add(fd, Epoll.IN, SOCKETS);
            socketFd = fd;
        }
    }

    private void startThread() {
        if (thread != null) {
            return;
        }
        epoll = new Epoll(8);
        thread = Thread.ofPlatform().name("steward-observe").daemon(true).start(this::run);
    }

    private void run() {
        long nextRefresh = System.nanoTime();
        while (!closed) {
            long wait = Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextRefresh - System.nanoTime()));
            int n = epoll.await((int) Math.min(wait, unattributed.isEmpty() ? REFRESH_MILLIS : 50));
            if (!unattributed.isEmpty()) {
                retryUnattributed();
            }
            try {
                for (int i = 0; i < n; i++) {
                    long token = epoll.token(i);

                    if (token == FILES) {
                        drainFiles();
                    } else if (token == SOCKETS) {
                        drainSockets();
                    }
                }
                if (System.nanoTime() - nextRefresh >= 0) {
                    refreshSockets();
                    nextRefresh = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "observation failed", e);
            }
        }
    }

    private void drainFiles() {
        ObservationListener l = listener;
        FileWatch f = files;
        if (f == null) {
            return;
        }
        f.drain(new FileActivityListener() {
            private ManagedProcess last;

            @Override
            public boolean accepts(int pid) {
                // A child's fork may not be through the membership yet, nor a new root through
                // started: unknown pids wait a moment. Pids are handed out upwards, so one below
                // every watched root is an older process of the host's (until pids wrap around).
                return (!fileTrees.isEmpty() || preparing.get() > 0) && pid >= lowestRoot;
            }

            @Override
            public void activity(FileActivity a) {
                ManagedProcess p = fileOwner(a.pid());
                if (p != null) {
                    if (l != null) {
                        l.file(p, a);
                    }
                } else if (unattributed.size() < UNATTRIBUTED) {
                    unattributed.addLast(new Waiting(a, System.nanoTime()));
                }
            }
        });
        retryUnattributed();
        long overflows = f.overflows();
        if (overflows > reportedOverflows && l != null) {
            l.lost(Observe.FILE, overflows - reportedOverflows);
        }
        reportedOverflows = overflows;
    }

    private ManagedProcess fileOwner(int pid) {
        for (ManagedProcess p : fileTrees) {
            if (p.tree().hasOrHad(pid)) {
                return p;
            }
        }
        return null;
    }

    /**
     * File activity no tree claimed yet: most of it is the host's, but a member whose fork the
     * membership has not taken in yet is among it, for a few milliseconds.
     */
    private record Waiting(FileActivity activity, long since) {}

    private static final int UNATTRIBUTED = 4096;
    private static final long ATTRIBUTION_NANOS = TimeUnit.SECONDS.toNanos(2);
    private final java.util.ArrayDeque<Waiting> unattributed = new java.util.ArrayDeque<>();

    private void retryUnattributed() {
        ObservationListener l = listener;
        long now = System.nanoTime();
        for (var it = unattributed.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            ManagedProcess p = fileOwner(w.activity().pid());
            if (p != null) {
                if (l != null) {
                    l.file(p, w.activity());
                }
                it.remove();
            } else if (now - w.since() > ATTRIBUTION_NANOS) {
                it.remove();
            }
        }
    }

    private void drainSockets() {
        ObservationListener l = listener;
        sockets.drain(c -> {
            if (l != null && c.key() instanceof ManagedProcess p) {
                l.socketClosed(p, c);
            }
        });
        long losses = sockets.losses();
        if (losses > reportedLosses && l != null) {
            l.lost(Observe.NETWORK, losses - reportedLosses);
        }
        reportedLosses = losses;
    }

    private void refreshSockets() {
        long now = System.nanoTime();
        leaving.forEach((p, since) -> {
            if (now - since > LINGER_NANOS) {
                drainSockets();
                sockets.unwatch(p);
                netTrees.remove(p);
                leaving.remove(p);
            }
        });
        if (netTrees.isEmpty()) {
            return;
        }
        ObservationListener l = listener;
        for (SocketWatch.Opened o : sockets.refresh()) {
            if (l != null && o.key() instanceof ManagedProcess p) {
                l.socketOpened(p, o);
            }
        }
        synchronized (this) {
            registerSockets();
        }
        drainSockets();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(2 * REFRESH_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (epoll != null) {
                epoll.close();
            }
            sockets.close();
            if (files != null) {
                files.close();
            }
        }
    }
}
