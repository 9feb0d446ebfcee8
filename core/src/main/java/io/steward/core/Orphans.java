package io.steward.core;

import io.steward.sys.Epoll;
import io.steward.sys.Libc;
import io.steward.sys.NativeException;
import io.steward.sys.Pidfd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The processes re-parented to the runtime (a subreaper): which they are, from the leader thread's
 * {@code children} file, and their reaping. Reaped by pid, never with {@code wait(-1)}, which
 * would steal the statuses of the JVM's own children.
 */
final class Orphans implements AutoCloseable {
    private final IoLoop loop;
    /** The runtime's unreaped children: a child of ours listed beside real orphans is one of these. */
    private final Map<Integer, ManagedProcess> live;
    private final StampedLock spawnGate;
    private final int leaderChildren;
    private final MemorySegment childrenBuf = Arena.ofAuto().allocate(64 * 1024);
    /** Orphans whose pidfd is being watched, loop thread only. */
    private final Set<Integer> watchedOrphans = ConcurrentHashMap.newKeySet();

    Orphans(IoLoop loop, Map<Integer, ManagedProcess> live, StampedLock spawnGate, int leaderChildren) {
        this.loop = loop;
        this.live = live;
        this.spawnGate = spawnGate;
        this.leaderChildren = leaderChildren;
    }

    /** True when some orphan has been re-parented to us: only then can a tree have survivors. */
    boolean present() {
        List<Integer> orphans = pids();
        return orphans == null || !orphans.isEmpty();
    }

    /**
     * Pids re-parented to us, less our own children that landed on the main thread when the thread
     * that spawned them ended: one pread, no allocation when there are none. Null while a spawn is
     * in flight, whose child cannot yet be told from an orphan.
     */
    synchronized List<Integer> pids() {
        long stamp = spawnGate.tryWriteLock();
        if (stamp == 0) {
            return null;
        }
        try {
            return orphansLocked();
        } finally {
            spawnGate.unlockWrite(stamp);
        }
    }

    private List<Integer> orphansLocked() {
        long n = Libc.pread(leaderChildren, childrenBuf, childrenBuf.byteSize(), 0);
        if (n <= 0) {
            return List.of();
        }
        List<Integer> pids = new java.util.ArrayList<>();
        int pid = -1;
        for (long i = 0; i < n; i++) {
            byte b = childrenBuf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
            if (b >= '0' && b <= '9') {
                pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
            } else if (pid >= 0) {
                addOrphan(pids, pid);
                pid = -1;
            }
        }
        if (pid >= 0) {
            addOrphan(pids, pid);
        }
        return pids;
    }

    /** True when pid is being watched as an orphan; for tests. */
    boolean watching(int pid) {
        return watchedOrphans.contains(pid);
    }

    private void addOrphan(List<Integer> pids, int pid) {
        if (!live.containsKey(pid)) {
            pids.add(pid);
        }
    }

    /** Watches every adopted orphan's pidfd so it is reaped the moment it dies. */
    void adopt() {
        if (!loop.inLoop()) {
            loop.execute(this::adopt);
            return;
        }
        List<Integer> orphans = pids();
        if (orphans == null) {
            return; // the next sweep looks again
        }
        for (int pid : orphans) {
            if (watchedOrphans.contains(pid)) {
                continue;
            }
            int pidfd = Pidfd.open(pid);
            if (pidfd < 0) {
                continue;
            }
            watchedOrphans.add(pid);
            loop.register(pidfd, Epoll.IN, events -> {
                if (!Pidfd.hasExited(pidfd)) {
                    return; // a stale event of an earlier fd with this number
                }
                loop.unregister(pidfd);
                try {
                    Pidfd.reap(pidfd);
                } catch (NativeException e) {
                    // ECHILD: another runtime in this JVM reaped it first.
                }
                Libc.close(pidfd);
                watchedOrphans.remove(pid);
            });
        }
    }

    @Override
    public void close() {
        Libc.close(leaderChildren);
    }
}
