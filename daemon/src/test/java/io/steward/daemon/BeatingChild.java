package io.steward.daemon;

import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** A session's child for tests: sends {@code args[0]} VLP beats {@code args[1]} ms apart to STEWARD_BEAT_SOCKET, then exits. */
public final class BeatingChild {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long gapMillis = Long.parseLong(args[1]);
        int pid = (int) ProcessHandle.current().pid();
        try (UnixDatagram socket = UnixDatagram.unbound(); Arena arena = Arena.ofConfined()) {
            UnixAddress to = UnixAddress.of(Path.of(System.getenv("STEWARD_BEAT_SOCKET")));
            MemorySegment seg = arena.allocate(VlpCodec.FRAME_BYTES);
            for (int i = 1; i <= count; i++) {
                byte[] frame = VlpCodec.encode(new Frame(Frame.Status.OK, pid, System.nanoTime(), i, 0));
                MemorySegment.copy(frame, 0, seg, ValueLayout.JAVA_BYTE, 0, frame.length);
                socket.send(to, seg, frame.length);
                Thread.sleep(gapMillis);
            }
        }
    }
}
