package io.steward.agent;

/**
 * Run in a child JVM by the tests: finds its heartbeat in the environment, beats twice and closes. Exits 3 when the environment names no socket.
 */
public final class HeartbeatChildMain {
    private HeartbeatChildMain() {}

    public static void main(String[] args) {
        var found = Heartbeat.fromEnvironment();
        if (found.isEmpty()) {
            System.exit(3);
        }
        try (Heartbeat hb = found.get()) {
            if (!hb.beat() || !hb.beat()) {
                System.err.println("dropped: errno " + hb.lastDropErrno());
                System.exit(1);
            }
        }
    }
}
