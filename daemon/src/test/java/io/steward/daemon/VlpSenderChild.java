package io.steward.daemon;

import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import io.steward.sys.Errno;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A session's child for tests that sends chosen datagrams to the socket in STEWARD_BEAT_SOCKET, one
 * per argument, then prints {@code sent N} and waits for its stdin to end:
 * {@code frame:STATUS:NONCE} (a VLP frame with its own pid), {@code claim:PID:NONCE} (one claiming
 * another pid), {@code corrupt:INDEX:NONCE} (its own frame with byte INDEX flipped), {@code zeros:N}.
 */
public final class VlpSenderChild {
    public static void main(String[] args) throws Exception {
        Path path = Path.of(System.getenv("STEWARD_BEAT_SOCKET"));
        int self = (int) ProcessHandle.current().pid();
        try (UnixDatagram socket = UnixDatagram.unbound(); Arena arena = Arena.ofConfined()) {
            UnixAddress to = UnixAddress.of(path);
            for (String arg : args) {
                String[] a = arg.split(":");
                byte[] bytes = switch (a[0]) {
                    case "frame" -> VlpCodec.encode(new Frame(Frame.Status.valueOf(a[1].toUpperCase(Locale.ROOT)), self, 1,
                            Long.parseLong(a[2]), 0));
                    case "claim" -> VlpCodec.encode(new Frame(Frame.Status.OK, Integer.parseInt(a[1]), 1,
                            Long.parseLong(a[2]), 0));
                    case "corrupt" -> {
                        byte[] b = VlpCodec.encode(new Frame(Frame.Status.OK, self, 1, Long.parseLong(a[2]), 0));
                        b[Integer.parseInt(a[1])] ^= 1;
                        yield b;
                    }
                    case "zeros" -> new byte[Integer.parseInt(a[1])];
                    default -> throw new IllegalArgumentException(arg);
                };
                MemorySegment seg = arena.allocate(bytes.length);
                MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
                long deadline = System.nanoTime() + 5_000_000_000L;
                long r;
                while ((r = socket.send(to, seg, bytes.length)) == -Errno.EAGAIN && System.nanoTime() < deadline) {
                    Thread.sleep(1); // the daemon drains; its queue holds about a dozen
                }
                if (r != bytes.length) {
                    System.out.println("failed " + arg + ": " + r);
                    System.exit(1);
                }
            }
        }
        System.out.println("sent " + args.length);
        System.out.flush();
        System.in.readAllBytes();
    }
}
