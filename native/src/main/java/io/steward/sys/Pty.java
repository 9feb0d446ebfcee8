package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.LONG;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Pseudo-terminals, window sizes and terminal modes. */
public final class Pty {
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int TCSANOW = 0;
    private static final long TERMIOS_SIZE = 128;

    private static final MethodHandle OPENPTY =
            Native.errnoCall("openpty", FunctionDescriptor.of(INT, PTR, PTR, PTR, PTR, PTR));
    private static final MethodHandle PTSNAME_R =
            Native.call("ptsname_r", FunctionDescriptor.of(INT, INT, PTR, LONG));
    private static final MethodHandle TCGETATTR =
            Native.errnoCall("tcgetattr", FunctionDescriptor.of(INT, INT, PTR));
    private static final MethodHandle TCSETATTR =
            Native.errnoCall("tcsetattr", FunctionDescriptor.of(INT, INT, INT, PTR));
    private static final MethodHandle CFMAKERAW = Native.call("cfmakeraw", FunctionDescriptor.ofVoid(PTR));

    private Pty() {}

    /** A master/slave pair; {@code slavePath} is what the child opens to make it its controlling terminal. */
    public record Pair(int master, int slave, String slavePath) {}

    /** Rows and columns of a terminal. */
    public record Size(int rows, int cols) {}

    /** Opens a pty of the given size; the master is non-blocking and both ends are close-on-exec. */
    public static Pair open(int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment master = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment slave = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment st = Native.state();
            int r = (int) OPENPTY.invokeExact(st, master, slave, MemorySegment.NULL, MemorySegment.NULL,
                    winsize(arena, rows, cols));
            if (r < 0) {
                throw new NativeException("openpty", Native.errno(st));
            }
            int m = master.get(ValueLayout.JAVA_INT, 0);
            int s = slave.get(ValueLayout.JAVA_INT, 0);
            try {
                Libc.check("fcntl(F_SETFD)", Libc.fcntl(m, F_SETFD, FD_CLOEXEC));
                Libc.check("fcntl(F_SETFD)", Libc.fcntl(s, F_SETFD, FD_CLOEXEC));
                Libc.check("fcntl(O_NONBLOCK)", Libc.fcntl(m, Libc.F_SETFL, Libc.O_RDWR | Libc.O_NONBLOCK));
                return new Pair(m, s, slavePath(m));
            } catch (Throwable t) {
                Libc.close(m);
                Libc.close(s);
                throw Native.rethrow(t);
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The path of the slave of the terminal whose master is {@code master}. */
    public static String slavePath(int master) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(128);
            int e = (int) PTSNAME_R.invokeExact(master, name, 128L);
            if (e != 0) {
                throw new NativeException("ptsname_r", e);
            }
            return name.getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Sets the window size; the kernel sends SIGWINCH to the terminal's foreground group. */
    public static void resize(int fd, int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.check("ioctl(TIOCSWINSZ)", Libc.ioctl(fd, TIOCSWINSZ, winsize(arena, rows, cols)));
        }
    }

    /** The window size of a terminal fd. */
    public static Size size(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(8, 2);
            Libc.check("ioctl(TIOCGWINSZ)", Libc.ioctl(fd, TIOCGWINSZ, ws));
            return new Size(Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0)),
                    Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2)));
        }
    }

    private static MemorySegment winsize(Arena arena, int rows, int cols) {
        MemorySegment ws = arena.allocate(8, 2);
        ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
        ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
        return ws;
    }

    /** Saved terminal modes, restored by {@link #restore}. */
    public static final class Modes {
        private final int fd;
        private final byte[] saved;

        private Modes(int fd, byte[] saved) {
            this.fd = fd;
            this.saved = saved;
        }

        /** Puts the terminal back as it was when {@link #makeRaw} was called. */
        public void restore() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment t = arena.allocate(TERMIOS_SIZE, 8);
                MemorySegment.copy(saved, 0, t, ValueLayout.JAVA_BYTE, 0, saved.length);
                setattr(fd, t);
            }
        }
    }

    /** Switches a terminal to raw mode (no echo, no line editing, no signal keys) and returns the previous modes. */
    public static Modes makeRaw(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(TERMIOS_SIZE, 8);
            MemorySegment st = Native.state();
            int r = (int) TCGETATTR.invokeExact(st, fd, t);
            if (r < 0) {
                throw new NativeException("tcgetattr", Native.errno(st));
            }
            Modes saved = new Modes(fd, t.toArray(ValueLayout.JAVA_BYTE));
            CFMAKERAW.invokeExact(t);
            setattr(fd, t);
            return saved;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static void setattr(int fd, MemorySegment termios) {
        try {
            MemorySegment st = Native.state();
            int r = (int) TCSETATTR.invokeExact(st, fd, TCSANOW, termios);
            if (r < 0) {
                throw new NativeException("tcsetattr", Native.errno(st));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
