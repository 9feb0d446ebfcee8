package io.steward.core;

import io.steward.sys.Epoll;
import io.steward.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Who watches a process's pidfd for its exit: the loop, or, a slice at a time, a thread blocked in
 * {@link ManagedProcess#waitFor}. Such a waiter takes the pidfd and the output channels off the loop
 * and serves them itself, so a spawn-and-wait wakes one thread, not two; whatever is still open
 * goes back to the loop afterwards. Owns the pidfd: it is closed once, never while a waiter polls it.
 */
final class ExitWatch {
    private static final int WAIT_SLICE_MILLIS = 100;
    private final ManagedProcess process;
    private final IoLoop loop;
    private final int pidfd;
    private final Channel out;
    private final Channel err;
    private final IoLoop.Handler onLoopEvent;
    /** One waiter at a time watches; the others wait on the exit future. */
    private final AtomicBoolean watching = new AtomicBoolean();
    /** Waiters poll the pidfd under the read lock; closing takes the write lock. */
    private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
    private boolean closed;
    /** The root exited but is left unreaped while the rest of its tree ends: nobody watches any more. */
    private volatile boolean parked;

    /**
     * @param out the output channel, or null
     * @param err the separate stderr channel, or null
     */
    ExitWatch(ManagedProcess process, IoLoop loop, int pidfd, Channel out, Channel err) {
        this.process = process;
        this.loop = loop;
        this.pidfd = pidfd;
        this.out = out;
        this.err = err;
        this.onLoopEvent = events -> {
            if (parked) {
                loop.unregister(pidfd); // still readable: left in the set it would spin the loop
            } else {
                process.exited(false);
            }
        };
    }

    /** True while a waiter serves this process's descriptors itself. */
    boolean watching() {
        return watching.get();
    }

    /** Puts the pidfd in the loop's set: the loop completes the exit unless a waiter sees it first. */
    void start() {
        loop.register(pidfd, Epoll.IN, onLoopEvent);
    }

    /**
     * Waits for the exit until {@code deadline} (System.nanoTime): a slice at a time watching the
     * pidfd itself when no other thread does, on the exit future otherwise.
     */
    void await(long deadline) throws InterruptedException {
        CompletableFuture<ExitStatus> exit = process.onExit();
        while (!exit.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            int slice = (int) Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, WAIT_SLICE_MILLIS);
            if (trySlice(slice)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else {
                try {
                    exit.get(slice, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // next slice
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
    }

    /**
     * Watches for up to {@code sliceMillis} on the calling thread, unless another thread is watching.
     *
     * @return false when another thread is watching, so the caller should wait on the exit instead
     */
    boolean trySlice(int sliceMillis) {
        if (parked || !watching.compareAndSet(false, true)) {
            return false;
        }
        if (process.handingOver()) { // checked after taking the watch: see ProcessRuntime.freeze
            watching.set(false);
            return false;
        }
        try {
            watch(sliceMillis);
        } finally {
            watching.set(false);
        }
        return true;
    }

    private void watch(int sliceMillis) {
        Channel[] adopted = new Channel[2];
        int n = 0;
        for (Channel c : new Channel[] {out, err}) {
            if (c != null && c.adoptable() && c.adopt()) {
                adopted[n++] = c;
            }
        }
        boolean pidfdTaken = false;
        boolean gone = false;
        MemorySegment staging = n > 0 ? WaiterBuffers.take() : null;
        try {
            guard.readLock().lock();
            try {
                if (closed || parked) {
                    return;
                }
                loop.unregister(pidfd);
                pidfdTaken = true;
                gone = pollUntilGone(adopted, n, staging, System.nanoTime() + sliceMillis * 1_000_000L);
            } finally {
                guard.readLock().unlock();
            }
            if (gone) {
                process.exited(true);
            }
            if (process.onExit().isDone()) {
                drainAdopted(adopted, n, staging);
            }
        } finally {
            for (int i = 0; i < n; i++) {
                adopted[i].release();
            }
            if (staging != null) {
                WaiterBuffers.give(staging);
            }
            if (pidfdTaken) {
                rewatch();
            }
        }
    }

    /**
     * Serves the adopted channels until the pidfd turns readable or the deadline passes. A child's
     * pipes hang up a moment before its pidfd turns readable, so one wake-up is often not enough;
     * polling again here keeps the pidfd off the loop meanwhile.
     *
     * @return true when the pidfd reported the exit
     */
    private boolean pollUntilGone(Channel[] adopted, int n, MemorySegment staging, long deadline) {
        int[] fds = new int[3];
        short[] revents = new short[3];
        fds[0] = pidfd;
        while (true) {
            int count = 1;
            for (int i = 0; i < n; i++) {
                if (adopted[i].isOpen()) {
                    fds[count++] = adopted[i].fd();
                }
            }
            long left = deadline - System.nanoTime();
            int millis = left <= 0 ? 0 : (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            Libc.poll(fds, count, Libc.POLLIN, millis, revents);
            for (int i = 1; i < count; i++) {
                if (revents[i] != 0) {
                    channelOf(adopted, n, fds[i]).serveAdopted(revents[i] & 0xffff, staging);
                }
            }
            if (revents[0] != 0) {
                return true;
            }
            if (left <= 0) {
                return false;
            }
        }
    }

    /**
     * The child is gone, so its ends of the pipes are closed: what is left is buffered output and EOF,
     * read here at once instead of waking the loop for it. Pipes still held open by survivors (being
     * killed) go back to the loop.
     */
    private static void drainAdopted(Channel[] adopted, int n, MemorySegment staging) {
        int[] fds = new int[2];
        short[] revents = new short[2];
        for (int round = 0; round < 64; round++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (adopted[i].isOpen()) {
                    fds[count++] = adopted[i].fd();
                }
            }
            if (count == 0 || Libc.poll(fds, count, Libc.POLLIN, 0, revents) <= 0) {
                return;
            }
            for (int i = 0; i < count; i++) {
                if (revents[i] != 0) {
                    channelOf(adopted, n, fds[i]).serveAdopted(revents[i] & 0xffff, staging);
                }
            }
        }
    }

    private static Channel channelOf(Channel[] adopted, int n, int fd) {
        for (int i = 0; i < n; i++) {
            if (adopted[i].fd() == fd) {
                return adopted[i];
            }
        }
        throw new IllegalStateException("no adopted channel for fd " + fd);
    }

    /** Gives the pidfd back to the loop unless the exit was completed (and the pidfd closed) meanwhile. */
    private void rewatch() {
        guard.readLock().lock();
        try {
            if (!closed && !parked) {
                loop.register(pidfd, Epoll.IN, onLoopEvent);
            }
        } finally {
            guard.readLock().unlock();
        }
    }

    /**
     * Takes the pidfd off the loop once the exit is seen; a waiter's own poll took it off already.
     * The pidfd stays open: the child is reaped through it.
     */
    void leaveLoop(boolean seenByWaiter) {
        if (!seenByWaiter) {
            loop.unregister(pidfd);
        }
    }

    /**
     * Stops watching for good without closing: the root has exited, and is reaped through the pidfd
     * only once the rest of its tree is gone. Waiters wait on the exit future from now on. Call
     * after {@link #leaveLoop}; a waiter still polling finishes its slice first.
     */
    void park() {
        guard.writeLock().lock();
        try {
            parked = true;
        } finally {
            guard.writeLock().unlock();
        }
    }

    /** Closes the pidfd after the reap, waiting out any waiter still polling it. */
    void close() {
        guard.writeLock().lock();
        try {
            closed = true;
            Libc.close(pidfd);
        } finally {
            guard.writeLock().unlock();
        }
    }
}
