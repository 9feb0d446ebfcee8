package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Fuzzes the VLP decoder against {@link VlpOracle}. Random bytes almost never carry a valid CRC, so
 * half the inputs are built field by field and sealed with a correct CRC (then sometimes damaged):
 * that is what reaches the field rules.
 */
class VlpFuzzTest {
    private final VlpDecoder decoder = new VlpDecoder();
    private final MutableFrame beat = new MutableFrame();

    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        byte[] wire = data.consumeBoolean() ? sealed(data) : data.consumeRemainingAsBytes();
        VlpError expected = VlpOracle.expected(wire);

        boolean ok = decoder.decode(wire, 0, wire.length, beat);
        assertEquals(expected == null, ok);
        assertEquals(expected, beat.error());

        // every source must agree
        assertEquals(ok, decoder.decode(ByteBuffer.wrap(wire), beat));
        assertEquals(expected, beat.error());
        assertEquals(ok, decoder.decode(MemorySegment.ofArray(wire), 0, wire.length, beat));
        assertEquals(expected, beat.error());

        if (ok) {
            assertArrayEquals(wire, VlpCodec.encode(beat.toFrame()), "encode(decode(x)) == x");
        }
    }

    private static byte[] sealed(FuzzedDataProvider data) {
        byte[] wire = new byte[32];
        wire[0] = data.consumeBoolean() ? (byte) 'V' : data.consumeByte();
        wire[1] = data.consumeBoolean() ? (byte) 'A' : data.consumeByte();
        wire[2] = data.consumeBoolean() ? 2 : data.consumeByte();
        wire[3] = data.consumeBoolean() ? data.consumeByte((byte) 0, (byte) 3) : data.consumeByte();
        ByteBuffer le = ByteBuffer.wrap(wire).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        le.putInt(4, data.consumeBoolean() ? data.consumeInt(0, 3) : data.consumeInt());
        le.putLong(8, data.consumeBoolean() ? -1L : data.consumeLong());
        le.putLong(16, data.consumeBoolean() ? Frame.TERMINAL_NONCE : data.consumeLong());
        le.putInt(24, data.consumeInt());
        le.putInt(28, VlpCodec.crc32c(wire, 0, 28));
        if (data.consumeBoolean()) {
            wire[data.consumeInt(0, 31)] ^= (byte) (1 << data.consumeInt(0, 7));
        }
        return wire;
    }
}
