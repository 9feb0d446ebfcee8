package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VlpDecoderTest {
    private static final Frame BEAT = new Frame(Frame.Status.DEGRADED, 4242, 123_456_789L, 17L, 0xCAFE);

    private final VlpDecoder decoder = new VlpDecoder();
    private final MutableFrame into = new MutableFrame();

    @Test
    void decodesFromAnArrayAtAnOffset() {
        byte[] buf = new byte[100];
        VlpCodec.encode(BEAT, buf, 37);
        assertTrue(decoder.decode(buf, 37, 32, into));
        assertNull(into.error());
        assertEquals(BEAT, into.toFrame());
    }

    @Test
    void decodesABufferWithoutMovingIt() {
        ByteBuffer direct = ByteBuffer.allocateDirect(40);
        direct.position(5).put(VlpCodec.encode(BEAT)).position(5).limit(37);
        assertTrue(decoder.decode(direct, into));
        assertEquals(BEAT, into.toFrame());
        assertEquals(5, direct.position());
        assertEquals(37, direct.limit());
    }

    @Test
    void decodesANativeSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            MemorySegment.copy(MemorySegment.ofArray(VlpCodec.encode(BEAT)), 0, seg, 8, 32);
            assertTrue(decoder.decode(seg, 8, 32, into));
            assertEquals(BEAT, into.toFrame());
        }
    }

    @Test
    void aDatagramOfAnyOtherLengthIsBadLength() {
        byte[] wire = VlpCodec.encode(BEAT);
        assertFalse(decoder.decode(wire, 0, 31, into));
        assertEquals(VlpError.BAD_LENGTH, into.error());
        assertFalse(decoder.decode(ByteBuffer.allocate(33), into));
        assertEquals(VlpError.BAD_LENGTH, into.error());
        assertEquals(VlpError.BAD_LENGTH, assertThrows(VlpException.class, () -> VlpCodec.decode(new byte[0])).error());
    }

    @Test
    void aRejectedFrameLeavesNoFrameToRead() {
        byte[] wire = VlpCodec.encode(BEAT);
        wire[0] = 'X';
        assertFalse(decoder.decode(wire, 0, 32, into));
        assertEquals(VlpError.BAD_MAGIC, into.error());
        assertThrows(IllegalStateException.class, into::toFrame);
    }

    @Test
    void fieldRulesApplyOnlyToFramesWithAGoodCrc() {
        // encode writes what it is given, so each rule can be met behind a valid CRC
        assertRejected(VlpError.BAD_PID, new Frame(Frame.Status.OK, 1, 5, 5, 0));
        assertRejected(VlpError.BAD_TIMESTAMP, new Frame(Frame.Status.OK, 7, -1L, 5, 0));
        assertRejected(VlpError.BAD_NONCE, new Frame(Frame.Status.DEGRADED, 7, 5, Frame.TERMINAL_NONCE, 0));
        assertTrue(decoder.decode(VlpCodec.encode(new Frame(Frame.Status.CRITICAL, 7, 5, Frame.TERMINAL_NONCE, 0)), 0, 32, into));
        assertTrue(into.toFrame().terminal());

        byte[] damaged = VlpCodec.encode(new Frame(Frame.Status.OK, 0, -1L, 5, 0));
        damaged[10] ^= 1;
        assertFalse(decoder.decode(damaged, 0, 32, into));
        assertEquals(VlpError.BAD_CRC, into.error(), "the CRC is checked before any field");
    }

    @Test
    void theFirstBrokenRuleIsReported() {
        byte[] wire = VlpCodec.encode(new Frame(Frame.Status.OK, 0, -1L, 5, 0));
        assertFalse(decoder.decode(wire, 0, 32, into));
        assertEquals(VlpError.BAD_PID, into.error());
    }

    @Test
    void unsignedFieldsKeepTheirBits() {
        Frame max = new Frame(Frame.Status.CRITICAL, -1, -2L, Frame.TERMINAL_NONCE, -1);
        assertEquals(max, VlpCodec.decode(VlpCodec.encode(max)));
    }

    @Test
    void decodingABeatAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] good = VlpCodec.encode(BEAT);
        byte[] bad = good.clone();
        bad[31] ^= 1;
        ByteBuffer direct = ByteBuffer.allocateDirect(32).put(good).flip();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(32);
            MemorySegment.copy(MemorySegment.ofArray(good), 0, seg, 0, 32);
            long sink = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    sink += decoder.decode(good, 0, 32, into) ? into.nonce() : 0;
                    sink += decoder.decode(bad, 0, 32, into) ? 1 : into.error().ordinal();
                    sink += decoder.decode(direct, into) ? into.pid() : 0;
                    sink += decoder.decode(seg, 0, 32, into) ? into.payload() : 0;
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 1) {
                    // the counter itself may cost a few bytes; a per-beat allocation would be megabytes
                    assertTrue(allocated < 1024, "decoding 400000 beats allocated " + allocated + " bytes");
                }
            }
            assertTrue(sink != 0);
        }
    }

    private void assertRejected(VlpError expected, Frame frame) {
        assertFalse(decoder.decode(VlpCodec.encode(frame), 0, 32, into));
        assertEquals(expected, into.error());
    }
}
