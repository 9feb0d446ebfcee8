package io.steward.cli;

import sun.misc.Signal;

/** Routes Ctrl-C, SIGTERM and SIGHUP sent to steward itself into a stop of the child's tree. */
final class Interrupts {
    private Interrupts() {}

    static void install(Runnable onSignal) {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                Signal.handle(new Signal(name), s -> onSignal.run());
            } catch (IllegalArgumentException e) {
                // Signal reserved by the JVM here: the default (exit, and the runtime's cleanup) applies.
            }
        }
    }
}
