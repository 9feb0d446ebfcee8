package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeTest {
    @Test
    void signalsParseByNameAndNumber() {
        assertEquals(Signal.TERM, Signal.parse("TERM").orElseThrow());
        assertEquals(Signal.TERM, Signal.parse("sigterm").orElseThrow());
        assertEquals(Signal.KILL, Signal.parse("9").orElseThrow());
        assertTrue(Signal.parse("NOPE").isEmpty());
        assertTrue(Signal.parse("0").isEmpty());
        assertTrue(Signal.parse("99999999999").isEmpty());
        assertEquals("SIG40", Signal.nameOf(40));
    }

    @Test
    void failuresNameTheCallAndErrno() {
        NativeException e = assertThrows(NativeException.class, () -> Libc.check("close(-5)", Libc.close(12345)));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close(-5): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void pipesCarryBytesAndReportEofAndEpipe() {
        int[] p = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(16);
            buf.set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
            assertEquals(1, Libc.write(p[1], buf, 1));
            buf.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            assertEquals(1, Libc.read(p[0], buf, 16));
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(-Errno.EAGAIN, Libc.read(p[0], buf, 16));
            Libc.close(p[1]);
            assertEquals(0, Libc.read(p[0], buf, 16));
            int[] q = Libc.pipe2(Libc.O_CLOEXEC);
            Libc.close(q[0]);
            assertEquals(-Errno.EPIPE, Libc.write(q[1], buf, 1));
            Libc.close(q[1]);
        } finally {
            Libc.close(p[0]);
        }
    }

    @Test
    void spawnReportsExecFailuresAsItsResult() {
        try (PosixSpawn ps = new PosixSpawn()) {
            NativeException e = assertThrows(NativeException.class,
                    () -> ps.closeFrom(3).spawn("/nonexistent/prog", List.of("prog"), List.of()));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals("posix_spawn(/nonexistent/prog)", e.call());
        }
    }

    @Test
    void spawnWaitAndReapThroughAPidfd() {
        int pid;
        try (PosixSpawn ps = new PosixSpawn()) {
            pid = ps.newSession().closeFrom(3).resetSignals().spawn("/bin/sh", List.of("sh", "-c", "exit 9"), List.of());
        }
        int pidfd = Libc.check("pidfd_open", Pidfd.open(pid));
        try {
            assertEquals(1, Libc.poll(pidfd, Libc.POLLIN, 10_000));
            assertTrue(Pidfd.hasExited(pidfd));
            Pidfd.Exit exit = Pidfd.reap(pidfd);
            assertEquals(pid, exit.pid());
            assertEquals(9, exit.code());
            assertEquals(0, exit.signal());
        } finally {
            Libc.close(pidfd);
        }
    }

    @Test
    void refusesToSignalTheWholeSystemThroughPidfds() {
        assertEquals(-Errno.EBADF, Pidfd.sendSignal(-1, Signal.TERM.number()));
    }

    @Test
    void ptyWindowSizeRoundTrips() {
        Pty.Pair pair = Pty.open(12, 34);
        try {
            assertEquals(new Pty.Size(12, 34), Pty.size(pair.slave()));
            Pty.resize(pair.master(), 50, 160);
            assertEquals(new Pty.Size(50, 160), Pty.size(pair.slave()));
            assertTrue(pair.slavePath().startsWith("/dev/pts/"));
        } finally {
            Libc.close(pair.master());
            Libc.close(pair.slave());
        }
    }

    @Test
    void epollReportsReadinessWithTokens() {
        try (Epoll ep = new Epoll(8)) {
            int[] p = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            try (Arena a = Arena.ofConfined()) {
                ep.add(p[0], Epoll.IN, 0xABCDEF_12345678L);
                assertEquals(0, ep.await(0));
                Libc.write(p[1], a.allocate(1), 1);
                assertEquals(1, ep.await(1000));
                assertEquals(0xABCDEF_12345678L, ep.token(0));
                assertEquals(Epoll.IN, ep.events(0) & Epoll.IN);
            } finally {
                Libc.close(p[0]);
                Libc.close(p[1]);
            }
        }
    }
}
