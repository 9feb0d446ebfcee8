package io.steward.agent;

import io.steward.heartbeat.MutableFrame;
import io.steward.heartbeat.VlpDecoder;
import io.steward.sys.Libc;
import io.steward.sys.ReceivedDatagram;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** The daemon's side for the tests: a bound socket, and every datagram decoded as a VLP frame. */
final class BeatReceiver implements AutoCloseable {
    final UnixDatagram socket;
    final ReceivedDatagram received = new ReceivedDatagram();
    final MutableFrame frame = new MutableFrame();
    private final VlpDecoder decoder = new VlpDecoder();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(64, 8);
    /** Whether the last datagram was a frame the decoder accepted. */
    boolean valid;

    BeatReceiver(Path path) {
        socket = UnixDatagram.bind(path);
    }

    /** Takes the next datagram if one is queued, without waiting. */
    boolean poll() {
        if (!socket.receive(buffer, received)) {
            return false;
        }
        valid = decoder.decode(buffer, 0, received.length(), frame);
        return true;
    }

    /** Waits up to {@code millis} for the next datagram; false when none came. */
    boolean await(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            if (poll()) {
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            Libc.poll(socket.fd(), Libc.POLLIN, (int) Math.min(left, 1000));
        }
    }

    /** The raw bytes of the last datagram (at most 64). */
    byte[] bytes() {
        return buffer.asSlice(0, Math.min(received.length(), buffer.byteSize())).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        received.closeFds();
        socket.close();
        arena.close();
    }
}
