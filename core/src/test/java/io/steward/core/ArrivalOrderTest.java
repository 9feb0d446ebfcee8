package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order of two streams' reads, against a plain list of every read, through growth and eviction. */
class ArrivalOrderTest {
    /** Replays the stretches from the cursors to the ends, as a reader would. */
    private static List<String> replay(ArrivalOrder order, long[] end) {
        long[] cursor = new long[2];
        List<String> out = new ArrayList<>();
        while (cursor[0] < end[0] || cursor[1] < end[1]) {
            ArrivalOrder.Stretch s = order.next(cursor[0], cursor[1]);
            int i = s != null ? s.stream() : cursor[0] < end[0] ? 0 : 1;
            long until = s != null ? s.until() : end[i];
            out.add(i + ":" + cursor[i] + "-" + until);
            cursor[i] = until;
        }
        return out;
    }

    @Test
    void readsComeBackInTheOrderTheyArrived() {
        ArrivalOrder order = new ArrivalOrder();
        order.appended(ArrivalOrder.STDOUT, 10);
        order.appended(ArrivalOrder.STDOUT, 25); // the same stretch goes on
        order.appended(ArrivalOrder.STDERR, 4);
        order.appended(ArrivalOrder.STDOUT, 30);
        assertEquals(3, order.marks());
        assertEquals(List.of("0:0-25", "1:0-4", "0:25-30"), replay(order, new long[] {30, 4}));
        assertEquals(new ArrivalOrder.Stretch(ArrivalOrder.STDOUT, 25), order.next(12, 0), "from the middle of a stretch");
        assertEquals(new ArrivalOrder.Stretch(ArrivalOrder.STDERR, 4), order.next(25, 1));
        assertNull(order.next(30, 4), "nothing known past the marks");
    }

    @Test
    void manyRandomSwitchesMatchAPlainRecordEvenPastTheBound() {
        Random r = new Random(11);
        ArrivalOrder order = new ArrivalOrder();
        List<long[]> all = new ArrayList<>(); // every stretch: stream, from, to
        long[] end = new long[2];
        int last = -1;
        for (int i = 0; i < ArrivalOrder.MAX_MARKS * 3; i++) {
            int s = r.nextInt(4) == 0 ? last : 1 - Math.max(last, 0);
            s = s < 0 ? 0 : s;
            long from = end[s];
            end[s] += 1 + r.nextInt(100);
            order.appended(s, end[s]);
            if (s == last) {
                all.getLast()[2] = end[s];
            } else {
                all.add(new long[] {s, from, end[s]});
            }
            last = s;
        }
        assertEquals(ArrivalOrder.MAX_MARKS, order.marks(), "bounded");
        List<String> expected = new ArrayList<>();
        List<long[]> kept = all.subList(all.size() - ArrivalOrder.MAX_MARKS, all.size());
        // What was forgotten comes first, stream by stream (stdout first), then the kept stretches in order.
        long[] before = new long[2];
        for (long[] x : all.subList(0, all.size() - ArrivalOrder.MAX_MARKS)) {
            before[(int) x[0]] = x[2];
        }
        expected.add("0:0-" + before[0]);
        expected.add("1:0-" + before[1]);
        for (long[] x : kept) {
            expected.add(x[0] + ":" + Math.max(x[1], before[(int) x[0]]) + "-" + x[2]);
        }
        assertEquals(expected, replay(order, end));
    }
}
