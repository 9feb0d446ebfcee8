package io.steward.cli;

import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.UpgradeWait;
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
        UpgradeWait upgrade = null;
        while (true) {
            long left = timeout == null ? Long.MAX_VALUE : timeout.toNanos() - (System.nanoTime() - start);
            SessionInfo s;
            try {
                s = ask.apply(Duration.ofNanos(Math.max(0, Math.min(SLICE.toNanos(), left))));
                upgrade = null;
            } catch (StewardException e) {
                upgrade = throughUpgrade(e, upgrade);
                continue;
            }
            if (!Boolean.TRUE.equals(s.timedOut()) || left <= SLICE.toNanos()) {
                return s;
            }
        }
    }

    /**
     * Pauses before the wait is asked again when {@code e} cut it off in the daemon's in-place
     * upgrade (its connection ended with no answer while the daemon keeps the home's lock): waiting
     * changes nothing, so it is safe to repeat, unlike the other requests that are not GETs. Else
     * {@code e} is thrown.
     *
     * @return the retries of this upgrade, to pass again
     */
    private static UpgradeWait throughUpgrade(StewardException e, UpgradeWait upgrade) {
        if (!UpgradeWait.passing(e) || !UpgradeWait.daemonHolds(StewardHome.fromEnvironment().lock())) {
            throw e;
        }
        UpgradeWait wait = upgrade == null ? new UpgradeWait() : upgrade;
        if (!wait.pause()) {
            throw e;
        }
        return wait;
    }
}
