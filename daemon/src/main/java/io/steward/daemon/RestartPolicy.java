package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.core.ExitStatus;
import java.time.Duration;

/**
 * When a session's process that ended by itself is started again ({@code --restart}), and when
 * restarting gives up ({@code --max-restarts N --within D}: the session is then {@code errored}).
 * A stop someone asked for never restarts.
 *
 * @param maxRestarts restarts allowed within {@code window} before giving up; 0 for no limit
 */
record RestartPolicy(Mode mode, int maxRestarts, Duration window) {
    enum Mode { NEVER, ON_FAILURE, ALWAYS }

    static final RestartPolicy NEVER = new RestartPolicy(Mode.NEVER, 0, null);
    /** The first delay; it doubles with each quick failure. */
    static final Duration FIRST_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** A process that ran this long was healthy: the next delay starts over. */
    static final Duration STABLE = Duration.ofSeconds(10);
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    static RestartPolicy parse(String mode, Long maxRestarts, Duration window) {
        Mode m = switch (mode == null ? "never" : mode) {
            case "never" -> Mode.NEVER;
            case "on-failure" -> Mode.ON_FAILURE;
            case "always" -> Mode.ALWAYS;
            default -> throw new StewardException(ErrorCode.INVALID_INPUT,
                    "restart: expected never, on-failure or always, not '" + mode + "'");
        };
        if (maxRestarts != null && (maxRestarts < 1 || maxRestarts > 1_000_000)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "maxRestarts: 1..1000000");
        }
        if ((maxRestarts != null || window != null) && m == Mode.NEVER) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "maxRestarts and restartWindowMs need restart on-failure or always");
        }
        if (window != null && window.isZero()) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "restartWindowMs: at least 1");
        }
        return m == Mode.NEVER ? NEVER : new RestartPolicy(m, maxRestarts == null ? 0 : maxRestarts.intValue(),
                window != null ? window : DEFAULT_WINDOW);
    }

    /** Whether a process that ended with {@code exit}, on its own, is to be started again. */
    boolean wants(ExitStatus exit) {
        return switch (mode) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> exit.signal() != 0 || exit.code() != 0;
        };
    }

    /** The delay before restart number {@code attempt} (0-based) of a run of quick failures. */
    static Duration delay(int attempt) {
        long ms = FIRST_DELAY.toMillis() << Math.min(attempt, 16);
        return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }

    String wire() {
        return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
