package io.steward.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A buffered stream over a blocking socket channel. {@code Channels.newInputStream} is avoided on
 * purpose: on a selectable channel it may hold the channel's blocking lock while it reads, so a
 * writer on another thread (input, resize, pong) could wait for the next frame from the daemon.
 */
final class ChannelInput extends InputStream {
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

    ChannelInput(SocketChannel channel) {
        this.channel = channel;
    }

    private boolean fill() throws IOException {
        buffer.compact();
        try {
            return channel.read(buffer) >= 0;
        } finally {
            buffer.flip();
        }
    }

    @Override
    public int read() throws IOException {
        while (!buffer.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        return buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!buffer.hasRemaining() && len >= buffer.capacity()) {
            // a large read (a body of known length) goes straight into the caller's array
            return channel.read(ByteBuffer.wrap(b, off, len));
        }
        while (!buffer.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    /** Exactly {@code n} bytes; the stream ending first is an error. */
    byte[] readExactly(int n) throws IOException {
        byte[] b = readNBytes(n);
        if (b.length < n) {
            throw new EOFException("connection closed in the middle of a frame");
        }
        return b;
    }
}
