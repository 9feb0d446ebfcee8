package io.steward.sys;

/**
 * One TCP or UDP socket as {@code NETLINK_SOCK_DIAG} reports it.
 *
 * @param family {@link SockDiag#AF_INET} or {@link SockDiag#AF_INET6}
 * @param protocol {@link SockDiag#IPPROTO_TCP} or {@link SockDiag#IPPROTO_UDP}
 * @param state the kernel's TCP state number ({@code TCP_LISTEN} is 10; an unconnected UDP socket is 7)
 * @param localAddress 4 or 16 bytes, network order
 * @param uid the owner's uid; 0 in a destroy broadcast, which does not carry it
 * @param inode the socket's inode, the {@code INODE} of {@code socket:[INODE]} under /proc/PID/fd; 0 for time-wait,
 *     for a socket no descriptor holds any more, and in a destroy broadcast
 * @param cookie the kernel's {@code idiag_cookie}: unique for the socket's life, the same in a dump and in the
 *     socket's destroy broadcast, so it names a socket after its inode is gone
 * @param bytesAcked {@code tcp_info.bytes_acked} (sent and acknowledged), -1 when the kernel gave no tcp_info
 * @param bytesReceived {@code tcp_info.bytes_received}, -1 when the kernel gave no tcp_info
 */
public record InetSocket(int family, int protocol, int state, byte[] localAddress, int localPort, byte[] remoteAddress,
        int remotePort, int uid, long inode, long cookie, long bytesAcked, long bytesReceived) {}
