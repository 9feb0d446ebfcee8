package io.steward.api;

import java.util.Map;

/**
 * One TCP or UDP socket held by a process of a session's tree ({@code GET /v1/ports}).
 *
 * @param name the session's name, or null
 * @param pid the member of the tree whose descriptor table holds the socket
 * @param protocol {@code tcp}, {@code udp} or {@code unix}
 * @param family {@code ipv4}, {@code ipv6} or {@code unix}
 * @param state the TCP state as {@code ss} names it ({@code LISTEN}, {@code ESTAB}, {@code TIME-WAIT}…);
 *     {@code UNCONN} for an unconnected UDP or Unix socket
 * @param local address and port, {@code 127.0.0.1:8080} or {@code [::1]:8080}; a Unix socket's path,
 *     {@code @name} when abstract, {@code *} when unbound
 * @param remote the peer, {@code 0.0.0.0:0} or {@code [::]:0} when there is none; a Unix socket's peer's
 *     path, {@code *} when unconnected or the peer is unbound
 * @param inode the socket's inode, as in {@code /proc/PID/fd/N -> socket:[INODE]}
 * @param bytesIn TCP bytes received ({@code tcp_info.bytes_received}); null for UDP and Unix
 * @param bytesOut TCP bytes sent and acknowledged ({@code tcp_info.bytes_acked}); null for UDP and Unix
 */
public record PortInfo(String session, String name, long pid, String protocol, String family, String state,
        String local, String remote, long inode, long uid, Long bytesIn, Long bytesOut) {

    public static PortInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new PortInfo(f.text("session"), f.text("name"), f.longValue("pid"), f.text("protocol"),
                f.text("family"), f.text("state"), f.text("local"), f.text("remote"), f.longValue("inode"),
                f.longValue("uid"), f.number("bytesIn"), f.number("bytesOut"));
    }

    public Map<String, Object> toJson() {
        return Json.object("session", session, "name", name, "pid", pid, "protocol", protocol, "family", family,
                "state", state, "local", local, "remote", remote, "inode", inode, "uid", uid, "bytesIn", bytesIn,
                "bytesOut", bytesOut);
    }
}
