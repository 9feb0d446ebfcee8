package io.steward.heartbeat;

/**
 * The specification's decode rules written again, as plainly as possible and with the bitwise
 * CRC-32C of its reference algorithm instead of the JDK's: a second opinion for the fuzzers.
 */
final class VlpOracle {
    private VlpOracle() {
    }

    /** What a conforming decoder must say of {@code wire}: null for a valid beat. */
    static VlpError expected(byte[] wire) {
        if (wire.length != 32) {
            return VlpError.BAD_LENGTH;
        }
        if (wire[0] != 'V' || wire[1] != 'A') {
            return VlpError.BAD_MAGIC;
        }
        if (wire[2] != 2) {
            return VlpError.BAD_VERSION;
        }
        if (crc32c(wire, 28) != u(wire, 28, 4)) {
            return VlpError.BAD_CRC;
        }
        int status = wire[3] & 0xff;
        if (status > 3) {
            return VlpError.BAD_STATUS;
        }
        if (status == 3) {
            return VlpError.STALL_ON_WIRE;
        }
        long pid = u(wire, 4, 4);
        if (pid == 0 || pid == 1) {
            return VlpError.BAD_PID;
        }
        if (u(wire, 8, 8) == -1L) {
            return VlpError.BAD_TIMESTAMP;
        }
        if (u(wire, 16, 8) == -1L && status != 2) {
            return VlpError.BAD_NONCE;
        }
        return null;
    }

    static long u(byte[] b, int off, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static long crc32c(byte[] b, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = 0; i < len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return (crc ^ 0xFFFFFFFF) & 0xFFFFFFFFL;
    }
}
