package io.steward.cli;

import io.steward.api.SessionInfo;
import java.time.Duration;
import java.util.function.Function;

/**
 * A wait on the daemon that may outlast one request ({@code wait}, {@code run --wait-ready}): asked
 * again every minute, so no connection idles for hours.
 */
final class Waits {
    static final Duration SLICE = Duration.ofMinutes(1);

    private Waits() {}

    /**
     * The first answer that is not a timeout, or the last answer once {@code timeout} (null: none)
     * has run out; {@code ask} waits at most the duration it is given.
     */
    static SessionInfo until(Duration timeout, Function<Duration, SessionInfo> ask) {
        long start = System.nanoTime();
        while (true) {
            long left = timeout == null ? Long.MAX_VALUE : timeout.toNanos() - (System.nanoTime() - start);
            SessionInfo s = ask.apply(Duration.ofNanos(Math.max(0, Math.min(SLICE.toNanos(), left))));
            if (!Boolean.TRUE.equals(s.timedOut()) || left <= SLICE.toNanos()) {
                return s;
            }
        }
    }
}
