package io.steward.core;

/** Where a process tree learns what runs: a scan of /proc, and whether it needs one. */
interface ProcView {
    /** A scan that began after the caller's need arose: it may be shared with other trees. */
    ProcScan scan();

    /**
     * False when no process has been re-parented to the runtime: every member of a tree is then a
     * descendant of its root, found by following {@code children} links instead of scanning /proc.
     */
    boolean mayHaveEscapees();

    /**
     * True while the runtime's membership follows every fork and exit of its trees (the proc
     * connector, with no loss waiting for a rescan): a tree's members are then what it was told,
     * and figures need no walk of /proc.
     */
    default boolean membershipExact() {
        return false;
    }

    /** A scan begun at most {@code maxAgeNanos} ago, for figures: it may be shared with every other tree. */
    default ProcScan recentScan(long maxAgeNanos) {
        return scan();
    }

    /** A fresh scan every time, and no assumption about escapees: for trees no runtime watches. */
    ProcView ALWAYS_SCAN = new ProcView() {
        @Override
        public ProcScan scan() {
            return ProcScan.take();
        }

        @Override
        public boolean mayHaveEscapees() {
            return true;
        }
    };
}
