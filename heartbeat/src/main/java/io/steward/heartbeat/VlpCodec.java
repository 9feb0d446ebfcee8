package io.steward.heartbeat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The VLP v0.2 wire format: one heartbeat is exactly 32 little-endian bytes.
 *
 * <pre>
 *  0  2  magic      "VA" (0x56 0x41)
 *  2  1  version    0x02
 *  3  1  status     0x00 ok, 0x01 degraded, 0x02 critical (0x03 stall: observers only)
 *  4  4  pid        u32
 *  8  8  timestamp  u64, the agent's own monotonic clock; only compared beat to beat
 * 16  8  nonce      u64, increasing per session; 2^64-1 is the terminal (panic) nonce
 * 24  4  payload    u32, opaque to the protocol
 * 28  4  crc32c     CRC-32C (Castagnoli) of bytes 0..28
 * </pre>
 *
 * <p>A decoder reports the first failure in this order, which is normative: an operator tells
 * "wrong protocol on this port" ({@code BadMagic}, {@code BadVersion}) from "VLP damaged in flight"
 * ({@code BadCrc}) only if the CRC is checked after the header and before any field.
 * <ol>
 *   <li>length ≠ 32 → {@code BadLength} (steward's name; the specification only says reject)
 *   <li>bytes 0..2 ≠ "VA" → {@code BadMagic}
 *   <li>byte 2 ≠ 0x02 → {@code BadVersion} (v0.1 is never reinterpreted)
 *   <li>CRC-32C of bytes 0..28 ≠ bytes 28..32 → {@code BadCrc}
 *   <li>status byte &gt; 0x03 → {@code BadStatus}
 *   <li>status byte = 0x03 → {@code StallOnWire}: a stall is what an observer concludes from
 *       silence; an agent claiming it about itself is lying or broken
 *   <li>pid 0 or 1 → {@code BadPid}: kernel and init are never agents, and on an unauthenticated
 *       transport "init stalled" would otherwise be a recovery trigger anyone could pull
 *   <li>timestamp = 2^64-1 → {@code BadTimestamp}: the saturation sentinel (584 years of
 *       nanoseconds), never a real reading
 *   <li>nonce = 2^64-1 with status ≠ critical → {@code BadNonce}: the terminal nonce marks a
 *       panicking agent and means nothing with any other status (critical with an ordinary nonce
 *       is an operational alert and is fine; nonce 0 is fine, it is where the counter wraps to)
 * </ol>
 *
 * <p>{@link #encode} writes any {@link Frame} faithfully, even one a decoder would reject, so tests
 * and fuzzers can build every kind of bad frame with a valid CRC. The hot paths are
 * {@link VlpDecoder} and {@link VlpEncoder}, which allocate nothing; {@link #decode(byte[])} and
 * {@link #encode(Frame)} here are for tests and cold paths.
 */
public final class VlpCodec {
    public static final int FRAME_BYTES = 32;
    static final byte MAGIC_0 = 0x56;
    static final byte MAGIC_1 = 0x41;
    static final byte VERSION = 0x02;
    static final int CRC_OFFSET = 28;
    static final int STATUS_CRITICAL = 0x02;
    static final int STATUS_STALL = 0x03;
    static final long TIMESTAMP_SATURATED = -1L;

    private VlpCodec() {
    }

    /** The 32 wire bytes of {@code frame}. */
    public static byte[] encode(Frame frame) {
        byte[] out = new byte[FRAME_BYTES];
        encode(frame, out, 0);
        return out;
    }

    /** Writes the 32 wire bytes of {@code frame} into {@code dst} at {@code off}. */
    public static void encode(Frame frame, byte[] dst, int off) {
        ByteBuffer le = ByteBuffer.wrap(dst, off, FRAME_BYTES).slice().order(ByteOrder.LITTLE_ENDIAN);
        le.put(0, MAGIC_0).put(1, MAGIC_1).put(2, VERSION).put(3, statusByte(frame.status()));
        le.putInt(4, frame.pid()).putLong(8, frame.timestamp()).putLong(16, frame.nonce());
        le.putInt(24, frame.payload());
        le.putInt(CRC_OFFSET, crc32c(dst, off, CRC_OFFSET));
    }

    /** Decodes exactly one frame; a rejected one is a {@link VlpException} carrying its kind. */
    public static Frame decode(byte[] wire) {
        MutableFrame beat = new MutableFrame();
        if (!new VlpDecoder().decode(wire, 0, wire.length, beat)) {
            throw new VlpException(beat.error());
        }
        return beat.toFrame();
    }

    /** CRC-32C (Castagnoli, reflected, init and final xor 0xFFFFFFFF) as the wire's u32. */
    public static int crc32c(byte[] bytes, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len);
        return (int) crc.getValue();
    }

    static byte statusByte(Frame.Status status) {
        return switch (status) {
            case OK -> 0x00;
            case DEGRADED -> 0x01;
            case CRITICAL -> STATUS_CRITICAL;
        };
    }

    /** Only for bytes already checked to be 0..2. */
    static Frame.Status status(byte b) {
        return switch (b) {
            case 0x00 -> Frame.Status.OK;
            case 0x01 -> Frame.Status.DEGRADED;
            default -> Frame.Status.CRITICAL;
        };
    }
}
