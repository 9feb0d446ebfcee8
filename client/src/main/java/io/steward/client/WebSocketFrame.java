package io.steward.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/** One RFC 6455 frame: how it is read from the server (unmasked) and written by a client (masked). */
record WebSocketFrame(boolean fin, int opcode, byte[] payload) {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Larger frames are refused rather than allocated: the daemon sends at most 64 KiB of output per frame. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    static WebSocketFrame read(ChannelInput in) throws IOException {
        byte[] head = in.readExactly(2);
        boolean fin = (head[0] & 0x80) != 0;
        int opcode = head[0] & 0x0f;
        if ((head[0] & 0x70) != 0) {
            throw new IOException("frame with reserved bits set (no extension was negotiated)");
        }
        if ((head[1] & 0x80) != 0) {
            throw new IOException("masked frame from the server");
        }
        long length = head[1] & 0x7f;
        if (length == 126) {
            length = ByteBuffer.wrap(in.readExactly(2)).getShort() & 0xffff;
        } else if (length == 127) {
            length = ByteBuffer.wrap(in.readExactly(8)).getLong();
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("frame of " + length + " bytes is larger than " + MAX_PAYLOAD);
        }
        return new WebSocketFrame(fin, opcode, in.readExactly((int) length));
    }

    /** The frame as a client sends it: final, masked with a fresh key. */
    static ByteBuffer encode(int opcode, byte[] payload) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
        ByteBuffer b = ByteBuffer.allocate(2 + lengthBytes + 4 + n);
        b.put((byte) (0x80 | opcode));
        if (lengthBytes == 0) {
            b.put((byte) (0x80 | n));
        } else if (lengthBytes == 2) {
            b.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            b.put((byte) (0x80 | 127)).putLong(n);
        }
        // The mask only keeps intermediaries from reading frames as something else; it protects no secret.
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        b.put(mask);
        for (int i = 0; i < n; i++) {
            b.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return b.flip();
    }
}
