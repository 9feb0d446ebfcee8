package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class VlpEncoderTest {
    private final VlpEncoder encoder = new VlpEncoder();

    @Test
    void writesWhatTheCodecWritesIntoASegmentAtAnOffset() {
        Frame[] frames = {
            new Frame(Frame.Status.OK, 4242, 123_456_789L, 1L, 0),
            new Frame(Frame.Status.DEGRADED, -2, -2L, -3L, 0xCAFEBABE),
            new Frame(Frame.Status.CRITICAL, 77, 0L, Frame.TERMINAL_NONCE, 5),
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(40);
            for (Frame f : frames) {
                seg.fill((byte) 0x5A);
                encoder.encode(f, seg, 5);
                assertArrayEquals(VlpCodec.encode(f), seg.asSlice(5, 32).toArray(ValueLayout.JAVA_BYTE), f.toString());
                assertEquals(0x5A, seg.get(ValueLayout.JAVA_BYTE, 4), "byte before the frame untouched");
                assertEquals(0x5A, seg.get(ValueLayout.JAVA_BYTE, 37), "byte after the frame untouched");
                assertEquals(f, VlpCodec.decode(seg.asSlice(5, 32).toArray(ValueLayout.JAVA_BYTE)));
            }
        }
    }

    @Test
    void encodingABeatAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] array = new byte[32];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(32);
            long sink = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    encoder.encode(Frame.Status.OK, 4242, i, i + 1, i, seg, 0);
                    encoder.encode(Frame.Status.DEGRADED, 4242, i, i + 1, i, array, 0);
                    sink += seg.get(ValueLayout.JAVA_BYTE, 28) + array[29];
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 1) {
                    assertTrue(allocated < 1024, "encoding 200000 beats allocated " + allocated + " bytes");
                }
            }
            assertTrue(sink != 1);
        }
    }
}
