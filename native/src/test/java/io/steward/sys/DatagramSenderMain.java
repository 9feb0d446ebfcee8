package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Run in a child JVM by the tests: sends its second argument as one datagram to the socket at its first. */
public final class DatagramSenderMain {
    private DatagramSenderMain() {}

    public static void main(String[] args) {
        try (UnixDatagram socket = UnixDatagram.unbound(); Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(args[1]);
            long sent = socket.send(UnixAddress.of(Path.of(args[0])), data, data.byteSize() - 1);
            Libc.check("sendto", sent);
        }
    }
}
