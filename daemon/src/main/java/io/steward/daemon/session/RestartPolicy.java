package io.steward.daemon.session;

import io.steward.api.RestartMode;
import io.steward.core.ExitStatus;
import java.time.Duration;

/**
 * When a session's process that ended by itself is started again ({@code --restart}), and when
 * restarting gives up ({@code --max-restarts N --within D}: the session is then {@code errored}).
 * A stop someone asked for never restarts.
 *
 * @param maxRestarts restarts allowed within {@code window} before giving up; 0 for no limit
 */
public record RestartPolicy(RestartMode mode, int maxRestarts, Duration window) {
    static final RestartPolicy NEVER = new RestartPolicy(RestartMode.NEVER, 0, null);
    /** The first delay; it doubles with each quick failure. */
    static final Duration FIRST_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** A process that ran this long was healthy: the next delay starts over. */
    public static final Duration STABLE = Duration.ofSeconds(10);

    /** The policy of a request whose options {@link io.steward.api.RunRequestBody} has checked, one by one and together. */
    static RestartPolicy of(RestartMode mode, Integer maxRestarts, Duration window) {
        return mode == RestartMode.NEVER ? NEVER : new RestartPolicy(mode, maxRestarts == null ? 0 : maxRestarts, window);
    }

    /** Whether a process that ended with {@code exit}, on its own, is to be started again. */
    public boolean wants(ExitStatus exit) {
        return switch (mode) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> exit.signal() != 0 || exit.code() != 0;
        };
    }

    /** The delay before restart number {@code attempt} (0-based) of a run of quick failures. */
    public static Duration delay(int attempt) {
        long ms = FIRST_DELAY.toMillis() << Math.min(attempt, 16);
        return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }

    String wire() {
        return mode.wire();
    }
}
