package io.steward.sys;

import java.lang.invoke.MethodHandles;

/**
 * Links the native calls ahead of their first use. Each class's downcall handles are made when the
 * class initialises, and making them (the FFM linker's stubs and method handles) costs a program
 * about a quarter of a second; a program that must serve soon, such as a daemon taking over from its
 * predecessor, has it done on another core while it does plain work.
 */
public final class Bindings {
    private Bindings() {}

    /**
     * Initialises the classes of native calls a daemon makes before it serves, in the order it
     * first needs them; those it makes later (spawning, terminals, an upgrade) are left to their first use.
     */
    public static void bootstrap() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> c : new Class<?>[] {Libc.class, Epoll.class, Pidfd.class, Netlink.class, SqliteLib.class,
                UnixDatagram.class, DatagramSockets.class, DatagramBatch.class}) {
            try {
                lookup.ensureInitialized(c);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e); // the classes are this one's neighbours
            }
        }
    }
}
