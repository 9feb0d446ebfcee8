package io.steward.core;

import java.time.Instant;
import java.util.List;

/**
 * A process started or exited. Emitted only to subscribers of {@link ProcessRuntime#observe}.
 *
 * @param exit how it ended; null for {@link Kind#STARTED}
 */
public record LifecycleEvent(Kind kind, int pid, Instant at, String originator, List<String> argv, ExitStatus exit) {
    public enum Kind {
        STARTED("started"), EXITED("exited");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
