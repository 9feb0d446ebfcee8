package io.steward.core;

import io.steward.sys.Epoll;
import io.steward.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that serves every process: output fds, stdin fds, pidfds and timers, over one
 * epoll set. Other threads hand it work with {@link #execute}; a write to an eventfd wakes it.
 * Handlers run on this thread and must never block.
 */
final class IoLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IoLoop.class.getName());
    /** One read of child output; large reads keep syscalls per byte low. */
    static final int STAGING_BYTES = 256 * 1024;

    interface Handler {
        /** Called with the ready epoll event mask. */
        void ready(int events);
    }

    /** A pending timer; cancel it to keep it from running. */
    static final class Timer implements Comparable<Timer> {
        private final long deadline;
        private final Runnable action;
        private volatile boolean cancelled;

        private Timer(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    private final Epoll epoll = new Epoll(256);
    private final int doorbell = Epoll.eventfd();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment staging = arena.allocate(STAGING_BYTES, 64);
    private final MemorySegment bell = arena.allocate(8, 8);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean rung = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Handlers by fd. Written under registryLock from any thread, read lock-free by the loop. */
    private volatile AtomicReferenceArray<Handler> handlers = new AtomicReferenceArray<>(1024);
    private final Object registryLock = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    IoLoop() {
        epoll.add(doorbell, Epoll.IN, doorbell);
        thread = Thread.ofPlatform().name("steward-io").daemon(true).unstarted(this::run);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop's read buffer; only valid on the loop thread, inside a handler. */
    MemorySegment staging() {
        return staging;
    }

    /** Runs {@code task} on the loop thread: at once when called from it, else soon. */
    void execute(Runnable task) {
        if (inLoop()) {
            task.run();
            return;
        }
        tasks.add(task);
        if (rung.compareAndSet(false, true)) {
            bell.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L);
            Libc.write(doorbell, bell, 8);
        }
    }

    /** Runs {@code action} on the loop thread after {@code delayNanos}. Loop thread only. */
    Timer schedule(long delayNanos, Runnable action) {
        Timer t = new Timer(System.nanoTime() + delayNanos, action);
        timers.add(t);
        return t;
    }

    /**
     * Watches fd. Any thread may register, so a new process is wired without a round trip through the
     * loop; handlers must therefore tolerate a spurious call (an event of an earlier fd with the same
     * number, still in the batch being dispatched).
     */
    void register(int fd, int events, Handler handler) {
        synchronized (registryLock) {
            AtomicReferenceArray<Handler> h = handlers;
            if (fd >= h.length()) {
                AtomicReferenceArray<Handler> grown = new AtomicReferenceArray<>(Math.max(fd + 1, h.length() * 2));
                for (int i = 0; i < h.length(); i++) {
                    grown.set(i, h.get(i));
                }
                handlers = h = grown;
            }
            h.set(fd, handler);
        }
        epoll.add(fd, events, fd);
    }

    void interest(int fd, int events) {
        epoll.modify(fd, events, fd);
    }

    /**
     * Stops watching fd. Loop thread only, and before the fd is closed, so a recycled fd number
     * never meets a stale handler.
     */
    void unregister(int fd) {
        epoll.remove(fd);
        synchronized (registryLock) {
            handlers.set(fd, null);
        }
    }

    private void run() {
        while (running) {
            int n = epoll.await(timeoutMillis());
            for (int i = 0; i < n; i++) {
                int fd = (int) epoll.token(i);
                if (fd == doorbell) {
                    continue;
                }
                AtomicReferenceArray<Handler> all = handlers;
                Handler h = fd < all.length() ? all.get(fd) : null;
                if (h != null) {
                    dispatch(h, epoll.events(i));
                }
            }
            runTasks();
            runTimers();
        }
    }

    private void runTasks() {
        if (rung.getAndSet(false)) {
            Libc.read(doorbell, bell, 8);
        }
        Runnable r;
        while ((r = tasks.poll()) != null) {
            dispatch(r);
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (!t.cancelled) {
                dispatch(t.action);
            }
        }
    }

    private int timeoutMillis() {
        if (!tasks.isEmpty()) {
            return 0;
        }
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t == null) {
            return -1;
        }
        long ms = Math.ceilDiv(t.deadline - System.nanoTime(), 1_000_000L);
        return (int) Math.max(0, Math.min(ms, Integer.MAX_VALUE));
    }

    private static void dispatch(Handler h, int events) {
        try {
            h.ready(events);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "I/O handler failed", e);
        }
    }

    private static void dispatch(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "I/O loop task failed", e);
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        execute(() -> running = false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(doorbell);
        epoll.close();
        arena.close();
    }
}
