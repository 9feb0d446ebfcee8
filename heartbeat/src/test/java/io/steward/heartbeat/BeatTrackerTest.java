package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.heartbeat.BeatTracker.Verdict;
import io.steward.heartbeat.Frame.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeatTrackerTest {
    private static final long MS = 1_000_000L;
    private static final Origin KERNEL = Origin.KERNEL_ATTESTED;
    private static final Origin UDP = Origin.NETWORK_UNVERIFIED;

    private final BeatTracker tracker = new BeatTracker(new BeatTracker.Limits(4, 100, 1_000_000));

    private Verdict beat(int pid, long nonce, long now) {
        return tracker.offer(pid, Status.OK, nonce, KERNEL, pid, 7, 1000, now);
    }

    @Test
    void noncesMustIncreaseAndEveryDropIsCounted() {
        assertEquals(Verdict.ACCEPTED, beat(100, 5, 0));
        assertEquals(Verdict.ACCEPTED, beat(100, 6, 20 * MS));
        assertEquals(Verdict.OUT_OF_ORDER, beat(100, 6, 40 * MS));
        assertEquals(Verdict.OUT_OF_ORDER, beat(100, 2, 60 * MS));
        assertEquals(2, tracker.outOfOrder());
        assertEquals(2, tracker.accepted());
        assertEquals(6, tracker.agent(100, 60 * MS).lastNonce());
    }

    @Test
    void aNonceCounterMayWrapButNotGoBack() {
        assertTrue(BeatTracker.after(3, -5L));
        assertTrue(BeatTracker.after(-4L, -5L));
        assertFalse(BeatTracker.after(1L << 40, -5L), "only a small value follows a wrap");
        assertFalse(BeatTracker.after(10, 1L << 40));
    }

    @Test
    void aFrameClaimingAnotherPidIsAnAuthFailureAndGetsNoSlot() {
        assertEquals(Verdict.AUTH_FAILURE, tracker.offer(100, Status.OK, 1, KERNEL, 200, 7, 1000, 0));
        assertNull(tracker.agent(100, 0));
        assertNull(tracker.agent(200, 0));
        assertEquals(1, tracker.authFailures());
    }

    @Test
    void theFirstOriginWinsAgainstWeakerOnesAndYieldsToAStrongerOne() {
        assertEquals(Verdict.ACCEPTED, beat(100, 1, 0));
        assertEquals(Verdict.ORIGIN_CONFLICT, tracker.offer(100, Status.OK, 2, UDP, 0, 0, 0, 20 * MS));
        assertEquals(1, tracker.originConflicts());
        assertEquals(1, tracker.agent(100, 20 * MS).lastNonce(), "the slot was not touched");

        assertEquals(Verdict.ACCEPTED, tracker.offer(300, Status.OK, 9, UDP, 0, 0, 0, 0));
        assertEquals(Verdict.ACCEPTED, tracker.offer(300, Status.OK, 1, KERNEL, 300, 7, 1000, 20 * MS));
        assertEquals(KERNEL, tracker.agent(300, 20 * MS).origin(), "the attested sender takes the slot over");
    }

    @Test
    void anotherNamespaceForAPinnedSlotIsAConflict() {
        assertEquals(Verdict.ACCEPTED, beat(100, 1, 0));
        assertEquals(Verdict.NAMESPACE_CONFLICT, tracker.offer(100, Status.OK, 2, KERNEL, 100, 8, 1000, 20 * MS));
        assertEquals(1, tracker.namespaceConflicts());
    }

    @Test
    void aReusedPidStartsAFreshSlot() {
        assertEquals(Verdict.ACCEPTED, beat(100, 50, 0));
        assertEquals(Verdict.ACCEPTED, tracker.offer(100, Status.OK, 1, KERNEL, 100, 7, 2000, 20 * MS),
                "a new start time: nonce 1 is not out of order for the new process");
    }

    @Test
    void theTerminalNonceSignsOffOrReportsAPanic() {
        assertEquals(Verdict.ACCEPTED, beat(100, 1, 0));
        assertEquals(Verdict.SIGNED_OFF, beat(100, Frame.TERMINAL_NONCE, 20 * MS));
        assertNull(tracker.agent(100, 20 * MS));
        assertEquals(Verdict.ACCEPTED, beat(101, 1, 0));
        assertEquals(Verdict.PANICKED, tracker.offer(101, Status.CRITICAL, Frame.TERMINAL_NONCE, KERNEL, 101, 7, 1000, 20 * MS));
        assertEquals(1, tracker.panics());
    }

    @Test
    void aFullTrackerEvictsTheLongestSilentAndCountsIt() {
        for (int p = 1; p <= 4; p++) {
            assertEquals(Verdict.ACCEPTED, beat(p, 1, p * MS));
        }
        assertEquals(Verdict.ACCEPTED, beat(2, 2, 50 * MS));
        assertEquals(Verdict.ACCEPTED, beat(9, 1, 60 * MS));
        assertEquals(1, tracker.evictions());
        assertNull(tracker.agent(1, 60 * MS), "pid 1 had been silent longest");
        assertNotNull(tracker.agent(9, 60 * MS));
        assertEquals(4, tracker.agents(60 * MS).size());
    }

    @Test
    void aPidBeatingFasterThanItsLimitIsRateLimited() {
        int limited = 0;
        for (int i = 1; i <= 300; i++) {
            if (beat(100, i, 0) == Verdict.RATE_LIMITED) {
                limited++;
            }
        }
        assertEquals(300 - 100, limited, "a burst of one second's worth, then nothing at the same instant");
        assertEquals(limited, tracker.rateLimited());
        assertEquals(Verdict.ACCEPTED, beat(100, 1000, 2000 * MS), "the budget refills with time");
    }

    @Test
    void aPidOverItsOwnLimitUsesNoneOfTheBudgetOthersShare() {
        // A global budget of 10,000 beats/s (a burst of 1000); each pid may send 100 a second.
        BeatTracker shared = new BeatTracker(new BeatTracker.Limits(8, 100, 10_000));
        for (int i = 1; i <= 10_000; i++) {
            shared.offer(100, Status.OK, i, KERNEL, 100, 7, 1000, 0);
            shared.offer(200, Status.OK, i, KERNEL, 200, 7, 1000, 0);
        }
        assertEquals(2 * (10_000 - 100), shared.rateLimited(), "each flooder gets its own burst, then nothing");
        assertEquals(Verdict.ACCEPTED, shared.offer(300, Status.OK, 1, KERNEL, 300, 7, 1000, 0),
                "a third pid still has its beat: the floods' refused beats took nothing from the shared budget");
    }

    @Test
    void aStallIsReportedOncePerSilenceRun() {
        List<Integer> stalled = new ArrayList<>();
        BeatTracker.StallSink sink = (pid, nonce, last, origin, ns) -> stalled.add(pid);
        BeatTracker.Thresholds oneSecond = pid -> pid == 100 ? 1000 * MS : 0;
        beat(100, 1, 0);
        beat(200, 1, 0);
        assertEquals(0, tracker.sweep(900 * MS, oneSecond, sink));
        assertEquals(1, tracker.sweep(1100 * MS, oneSecond, sink));
        assertEquals(0, tracker.sweep(5000 * MS, oneSecond, sink), "once per silence run");
        assertEquals(List.of(100), stalled, "pid 200 has no threshold");
        assertEquals(Verdict.RESUMED, beat(100, 2, 5100 * MS));
        assertEquals(1, tracker.sweep(6200 * MS, oneSecond, sink), "a new silence run");
        assertEquals(2, tracker.agent(100, 6200 * MS).stalls());
        assertEquals(2, tracker.stalls());
    }

    @Test
    void aBeatAllocatesNothingInSteadyState() {
        BeatTracker t = new BeatTracker(BeatTracker.Limits.DEFAULT);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long now = 0;
        long nonce = 0;
        for (int warm = 0; warm < 200_000; warm++) {
            now += 2 * MS;
            t.offer(1000 + warm % 500, Status.OK, ++nonce, KERNEL, 1000 + warm % 500, 7, 1000, now);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            now += 2 * MS;
            t.offer(1000 + i % 500, Status.OK, ++nonce, KERNEL, 1000 + i % 500, 7, 1000, now);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "a million beats allocated " + allocated + " bytes");
    }

    @Test
    void pidTableAgreesWithAHashMap() {
        PidTable table = new PidTable(64);
        Map<Integer, Integer> model = new HashMap<>();
        Random r = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            int pid = 1 + r.nextInt(200);
            switch (r.nextInt(3)) {
                case 0 -> {
                    if (model.size() < 64 || model.containsKey(pid)) {
                        table.put(pid, i);
                        model.put(pid, i);
                    }
                }
                case 1 -> {
                    table.remove(pid);
                    model.remove(pid);
                }
                default -> assertEquals(model.getOrDefault(pid, -1), table.get(pid), "pid " + pid + " at step " + i);
            }
        }
    }
}
