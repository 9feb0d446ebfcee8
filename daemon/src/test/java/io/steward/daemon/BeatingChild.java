package io.steward.daemon;

import io.steward.agent.Heartbeat;

/**
 * A session's child for tests, beating with the Java agent: {@code args[0]} beats {@code args[1]}
 * ms apart to the socket in STEWARD_BEAT_SOCKET, then it prints how many it sent and how many were
 * dropped ({@code sent=N dropped=M}) and exits. Exits 3 without the variable.
 */
public final class BeatingChild {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long gapMillis = Long.parseLong(args[1]);
        try (Heartbeat hb = Heartbeat.fromEnvironment().orElse(null)) {
            if (hb == null) {
                System.exit(3);
            }
            for (int i = 0; i < count; i++) {
                hb.beat();
                Thread.sleep(gapMillis);
            }
            System.out.println("sent=" + hb.sent() + " dropped=" + hb.dropped());
        }
    }
}
