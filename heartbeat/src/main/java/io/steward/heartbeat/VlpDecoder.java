package io.steward.heartbeat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Decodes VLP v0.2 frames without allocating: every source is first copied into one 32-byte scratch
 * array, so a single code path (and the JDK's intrinsic CRC-32C over a plain array) serves byte
 * arrays, buffers and native segments alike. The copy is 32 bytes; the CRC costs more.
 *
 * <p>Not thread-safe (the scratch and the CRC state are reused): one decoder per receiving thread.
 * The rules and their order are {@link VlpCodec}'s.
 */
public final class VlpDecoder {
    private final byte[] scratch = new byte[VlpCodec.FRAME_BYTES];
    private final ByteBuffer le = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /** Decodes {@code src[off, off+len)}; true when it is a valid beat, now in {@code into}. */
    public boolean decode(byte[] src, int off, int len, MutableFrame into) {
        if (len != VlpCodec.FRAME_BYTES) {
            into.reject(VlpError.BAD_LENGTH);
            return false;
        }
        System.arraycopy(src, off, scratch, 0, VlpCodec.FRAME_BYTES);
        return decodeScratch(into);
    }

    /** Decodes the buffer's remaining bytes; its position and limit are left as they were. */
    public boolean decode(ByteBuffer src, MutableFrame into) {
        if (src.remaining() != VlpCodec.FRAME_BYTES) {
            into.reject(VlpError.BAD_LENGTH);
            return false;
        }
        src.get(src.position(), scratch, 0, VlpCodec.FRAME_BYTES);
        return decodeScratch(into);
    }

    /** Decodes {@code len} bytes of a (typically native) segment at {@code off}. */
    public boolean decode(MemorySegment src, long off, long len, MutableFrame into) {
        if (len != VlpCodec.FRAME_BYTES) {
            into.reject(VlpError.BAD_LENGTH);
            return false;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off, scratch, 0, VlpCodec.FRAME_BYTES);
        return decodeScratch(into);
    }

    private boolean decodeScratch(MutableFrame into) {
        VlpError error = check();
        if (error != null) {
            into.reject(error);
            return false;
        }
        into.accept(VlpCodec.status(scratch[3]), le.getInt(4), le.getLong(8), le.getLong(16), le.getInt(24));
        return true;
    }

    /** The first rule the scratch frame breaks, in the specification's order, or null. */
    private VlpError check() {
        if (scratch[0] != VlpCodec.MAGIC_0 || scratch[1] != VlpCodec.MAGIC_1) {
            return VlpError.BAD_MAGIC;
        }
        if (scratch[2] != VlpCodec.VERSION) {
            return VlpError.BAD_VERSION;
        }
        crc.reset();
        crc.update(scratch, 0, VlpCodec.CRC_OFFSET);
        if ((int) crc.getValue() != le.getInt(VlpCodec.CRC_OFFSET)) {
            return VlpError.BAD_CRC;
        }
        int status = scratch[3] & 0xff;
        if (status > VlpCodec.STATUS_STALL) {
            return VlpError.BAD_STATUS;
        }
        if (status == VlpCodec.STATUS_STALL) {
            return VlpError.STALL_ON_WIRE;
        }
        int pid = le.getInt(4);
        if (pid == 0 || pid == 1) {
            return VlpError.BAD_PID;
        }
        if (le.getLong(8) == VlpCodec.TIMESTAMP_SATURATED) {
            return VlpError.BAD_TIMESTAMP;
        }
        if (le.getLong(16) == Frame.TERMINAL_NONCE && status != VlpCodec.STATUS_CRITICAL) {
            return VlpError.BAD_NONCE;
        }
        return null;
    }
}
