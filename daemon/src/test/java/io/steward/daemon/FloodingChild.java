package io.steward.daemon;

import io.steward.agent.Heartbeat;

/**
 * A session's child for tests that beats to the socket in STEWARD_BEAT_SOCKET as fast as it can,
 * until it is killed: far past its per-pid limit, and enough to keep a socket's queue full.
 */
public final class FloodingChild {
    public static void main(String[] args) {
        try (Heartbeat hb = Heartbeat.fromEnvironment().orElse(null)) {
            if (hb == null) {
                System.exit(3);
            }
            System.out.println("flooding " + hb.socketPath());
            System.out.flush();
            while (true) {
                hb.beat();
            }
        }
    }
}
