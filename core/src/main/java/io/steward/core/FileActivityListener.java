package io.steward.core;

/** Receives what one {@link FileWatch#drain} found. */
public interface FileActivityListener {
    /**
     * Whether activity of {@code pid} matters (it belongs to a watched tree). Asked before the
     * event's path is resolved: the marks see every process of the host.
     */
    boolean accepts(int pid);

    void activity(FileActivity activity);
}
