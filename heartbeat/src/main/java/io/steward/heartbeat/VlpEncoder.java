package io.steward.heartbeat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encodes VLP v0.2 frames without allocating, the sending side of {@link VlpDecoder}: the fields
 * are written into one 32-byte scratch array, its CRC-32C taken with the JDK's intrinsic, and the
 * 32 bytes copied to the destination, a byte array or a (typically native) segment.
 *
 * <p>Writes any field values faithfully, as {@link VlpCodec#encode} does, even ones a decoder
 * rejects. Not thread-safe (the scratch and the CRC state are reused): one encoder per sending
 * thread, or one behind the sender's lock.
 */
public final class VlpEncoder {
    private final byte[] scratch = new byte[VlpCodec.FRAME_BYTES];
    private final MemorySegment scratchSegment = MemorySegment.ofArray(scratch);
    private final ByteBuffer le = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /** Writes the 32 wire bytes of the frame with these fields into {@code dst} at {@code off}. */
    public void encode(Frame.Status status, int pid, long timestamp, long nonce, int payload,
            MemorySegment dst, long off) {
        fill(status, pid, timestamp, nonce, payload);
        MemorySegment.copy(scratchSegment, 0, dst, off, VlpCodec.FRAME_BYTES);
    }

    /** Writes the 32 wire bytes of the frame with these fields into {@code dst} at {@code off}. */
    public void encode(Frame.Status status, int pid, long timestamp, long nonce, int payload, byte[] dst, int off) {
        fill(status, pid, timestamp, nonce, payload);
        System.arraycopy(scratch, 0, dst, off, VlpCodec.FRAME_BYTES);
    }

    /** Writes the 32 wire bytes of {@code frame} into {@code dst} at {@code off}. */
    public void encode(Frame frame, MemorySegment dst, long off) {
        encode(frame.status(), frame.pid(), frame.timestamp(), frame.nonce(), frame.payload(), dst, off);
    }

    private void fill(Frame.Status status, int pid, long timestamp, long nonce, int payload) {
        scratch[0] = VlpCodec.MAGIC_0;
        scratch[1] = VlpCodec.MAGIC_1;
        scratch[2] = VlpCodec.VERSION;
        scratch[3] = VlpCodec.statusByte(status);
        le.putInt(4, pid).putLong(8, timestamp).putLong(16, nonce).putInt(24, payload);
        crc.reset();
        crc.update(scratch, 0, VlpCodec.CRC_OFFSET);
        le.putInt(VlpCodec.CRC_OFFSET, (int) crc.getValue());
    }
}
