package io.steward.core;

import io.steward.api.Overflow;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Not a test: the cost of one {@link Ring#append} of SIZE bytes, as the I/O loop makes it (with the
 * {@link System#nanoTime} it reads anyway), averaged over COUNT appends into a default ring; six
 * rounds, the first two as warm-up. Run it with {@code -Dsteward.ring.timeIndex=false} and without
 * to see what the time index costs (bench/RESULTS.md, "throughput").
 */
final class RingAppendCost {
    private RingAppendCost() {}

    public static void main(String[] args) {
        int size = Integer.parseInt(args[0]);
        long count = Long.parseLong(args[1]);
        Ring ring = new Ring(Ring.DEFAULT_CAPACITY, Overflow.DROP_OLDEST);
        MemorySegment src = Arena.global().allocate(size);
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < count; i++) {
                ring.append(src, 0, size, System.nanoTime());
            }
            long nanos = System.nanoTime() - t0;
            if (round >= 2) {
                System.out.printf("ring-append-%dB %.1f ns%n", size, (double) nanos / count);
            }
        }
    }
}
