package io.steward.api;

import java.net.InetAddress;

/**
 * Where the dashboard listens: a loopback address and a TCP port ({@code 127.0.0.1:8080},
 * {@code [::1]:8080}, {@code localhost:8080}; port 0 picks a free one). Anything else is refused:
 * the dashboard's token is all that guards it, so it never leaves the machine; a user reaches it
 * from elsewhere through an SSH tunnel instead.
 *
 * @param host {@code 127.0.0.1}, {@code ::1} or {@code localhost}
 */
public record UiAddress(String host, int port) {
    public static final String IPV4 = "127.0.0.1";
    public static final String IPV6 = "::1";
    public static final String LOCALHOST = "localhost";

    public UiAddress {
        if (!host.equals(IPV4) && !host.equals(IPV6) && !host.equals(LOCALHOST)) {
            throw notLoopback(host, port);
        }
        if (port < 0 || port > 65535) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--ui: port " + port + " is not between 0 and 65535");
        }
    }

    /** Reads {@code HOST:PORT}, {@code [::1]:PORT} or a bare {@code PORT} (on 127.0.0.1). */
    public static UiAddress parse(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? IPV4 : t.substring(0, colon);
        String port = t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "--ui: expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT, not '" + text + "'");
        }
        if (!host.equals(IPV4) && !host.equals(IPV6) && !host.equals(LOCALHOST) && isLoopbackLiteral(host)) {
            host = host.contains(":") ? IPV6 : IPV4; // 127.0.0.2 or a spelling of ::1: the usual name of the same thing
        }
        return new UiAddress(host, p);
    }

    private static boolean isLoopbackLiteral(String host) {
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static StewardException notLoopback(String host, int port) {
        String p = port > 0 ? Integer.toString(port) : "PORT";
        return new StewardException(ErrorCode.INVALID_INPUT, "--ui: " + host + " is not a loopback address; the dashboard"
                + " listens on this machine only: reach it from another one with ssh -L " + p + ":127.0.0.1:" + p
                + " host, then open http://127.0.0.1:" + p + "/");
    }

    /** The address to bind: {@code localhost} is bound as 127.0.0.1. */
    public InetAddress bindAddress() {
        return InetAddress.ofLiteral(host.equals(IPV6) ? IPV6 : IPV4);
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: as a URL and a {@code Host} header write it. */
    public String authority() {
        return (host.equals(IPV6) ? "[" + IPV6 + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
