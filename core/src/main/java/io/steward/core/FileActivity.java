package io.steward.core;

import java.time.Instant;

/**
 * A process of a watched tree touched a file: what, who, which path, when it was read from the
 * kernel (fanotify events carry no time of their own).
 *
 * @param toPath the new path of a {@link Kind#MOVED}; null for the other kinds, and for a move
 *        whose other half the kernel did not report in the same read (kernels before 5.17)
 */
public record FileActivity(Kind kind, int pid, String path, String toPath, Instant at) {
    public enum Kind {
        OPENED("opened"), WRITTEN("written"), CREATED("created"), DELETED("deleted"), MOVED("moved");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
