package io.steward.core;

/**
 * Who hears what trees spawned with {@link Observe#FILE} or {@link Observe#NETWORK} do. Called on
 * the runtime's observation thread; it must not block.
 */
public interface ObservationListener {
    void file(ManagedProcess root, FileActivity activity);

    void socketOpened(ManagedProcess root, SocketWatch.Opened opened);

    void socketClosed(ManagedProcess root, SocketWatch.Closed closed);

    /** Events the kernel dropped: fanotify queue overflows, or destroy broadcasts lost to {@code ENOBUFS}. */
    default void lost(Observe category, long count) {}
}
