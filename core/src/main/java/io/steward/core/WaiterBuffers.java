package io.steward.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Read buffers for waiting threads that serve their process's output themselves; pooled, not per call. */
final class WaiterBuffers {
    static final int BYTES = 64 * 1024;
    private static final ConcurrentLinkedQueue<MemorySegment> POOL = new ConcurrentLinkedQueue<>();

    private WaiterBuffers() {}

    static MemorySegment take() {
        MemorySegment s = POOL.poll();
        return s != null ? s : Arena.ofAuto().allocate(BYTES, 64);
    }

    static void give(MemorySegment s) {
        if (POOL.size() < 64) {
            POOL.add(s);
        }
    }
}
