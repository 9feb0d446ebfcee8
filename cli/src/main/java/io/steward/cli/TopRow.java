package io.steward.cli;

import io.steward.api.SessionInfo;

/**
 * One session of {@code steward top}'s table.
 *
 * @param cpuPercent its processor use over the last refresh (100 is one core); null until two samples of its process
 */
record TopRow(SessionInfo session, Double cpuPercent) {
    String displayName() {
        return session.name() != null ? session.name() : SessionView.shortId(session);
    }

    /** The memory the table shows and sorts by: the resident sets of its whole tree now (0 once exited). */
    long memoryBytes() {
        return session.treeRssBytes();
    }
}
