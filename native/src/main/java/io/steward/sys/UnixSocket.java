package io.steward.sys;

/**
 * One Unix socket as {@code NETLINK_SOCK_DIAG} reports it ({@code unix_diag_msg} and its attributes).
 *
 * @param type {@code SOCK_STREAM} (1), {@code SOCK_DGRAM} (2) or {@code SOCK_SEQPACKET} (5)
 * @param state the kernel's state number, TCP's numbering: 1 connected, 7 unconnected, 10 listening
 * @param inode the socket's inode, the {@code INODE} of {@code socket:[INODE]} under /proc/PID/fd
 * @param cookie the kernel's {@code udiag_cookie}, low half first
 * @param name the bound path, {@code @name} for an abstract name, null when unbound (an accepted
 *     socket carries its listener's name)
 * @param peer the inode of the connected peer, 0 when not connected
 * @param uid the owner's uid ({@code UNIX_DIAG_UID}, Linux 5.3+), -1 when the kernel did not say
 */
public record UnixSocket(int type, int state, long inode, long cookie, String name, long peer, int uid) {}
