package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.UiAddress;
import io.steward.api.UiInfo;
import io.steward.daemon.session.AuditLog;
import io.steward.daemon.session.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The dashboard's loopback TCP listener: started once, on demand ({@code steward ui}) or at start
 * ({@code daemon run --ui}), on the same server as the Unix socket. The port it got is remembered
 * in the home, so the page's address stays the same across daemon restarts; the token is this
 * daemon's own and dies with it.
 */
final class UiListener {
    /** The home's file that remembers where the dashboard listened last. */
    static final String REMEMBERED = "ui-address";

    private final Server server;
    private final HttpConfiguration http;
    private final Path remembered;
    /** Drawn when first needed: SecureRandom's start is no part of a daemon's that never serves the page. */
    private UiToken token;
    private volatile ServerConnector connector;
    private volatile UiAddress address;
    /** The {@code Host} headers a page of this listener sends: its address, and localhost, with its port. */
    private volatile Set<String> hosts = Set.of();

    UiListener(Server server, HttpConfiguration http, Path home, UiToken token) {
        this.server = server;
        this.token = token;
        this.http = http;
        this.remembered = home.resolve(REMEMBERED);
    }

    synchronized UiToken token() {
        if (token == null) {
            token = UiToken.random();
        }
        return token;
    }

    /** The token, or null while none was drawn (what a successor is handed). */
    synchronized UiToken tokenIfDrawn() {
        return token;
    }

    /** {@link #start(UiAddress)} for {@code caller}, at an address as a request spells it (null: where it was); a start is audited. */
    UiInfo start(Caller caller, String address, AuditLog audit) {
        UiInfo info = start(address == null ? null : UiAddress.parse(address));
        if (info.started()) {
            audit.record(caller, "ui " + info.url(), null, "ok");
        }
        return info;
    }

    /**
     * Serves the dashboard at {@code requested}, or, when null, where it was served last (a free port
     * on 127.0.0.1 the first time, or when that port is taken now).
     */
    synchronized UiInfo start(UiAddress requested) {
        if (connector != null) {
            if (requested != null && !requested.equals(address) && requested.port() != 0) {
                throw new StewardException(ErrorCode.CONFLICT, "the dashboard already listens on " + address
                        + ", not " + requested);
            }
            return info(false);
        }
        UiAddress at = requested;
        if (at == null) {
            UiAddress last = lastAddress();
            at = last != null ? last : new UiAddress(UiAddress.IPV4, 0);
            if (last != null && !bind(last, false)) {
                at = new UiAddress(last.host(), 0); // taken meanwhile by something else: a new port, remembered
            }
        }
        if (connector == null) {
            bind(at, true);
        }
        remember();
        return info(true);
    }

    /** Listens at {@code at}; false when the port is taken and {@code required} is not. */
    private boolean bind(UiAddress at, boolean required) {
        ServerConnector c = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        c.setHost(at.bindAddress().getHostAddress());
        c.setPort(at.port());
        c.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        c.setName("ui");
        server.addConnector(c);
        try {
            c.start();
        } catch (Exception e) {
            server.removeConnector(c);
            try {
                c.stop();
            } catch (Exception ignored) {
                // it never listened
            }
            if (!required) {
                return false;
            }
            throw new StewardException(ErrorCode.CONFLICT, "cannot listen on " + at + " for the dashboard: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        UiAddress bound = new UiAddress(at.host(), c.getLocalPort());
        String port = ":" + bound.port();
        hosts = Set.copyOf(java.util.List.of(bound.authority(), UiAddress.LOCALHOST + port,
                (bound.host().equals(UiAddress.IPV6) ? "[::1]" : UiAddress.IPV4) + port));
        address = bound;
        connector = c;
        return true;
    }

    private UiAddress lastAddress() {
        try {
            return Files.exists(remembered) ? UiAddress.parse(Files.readString(remembered, StandardCharsets.UTF_8)) : null;
        } catch (IOException | StewardException e) {
            return null; // unreadable or edited by hand into nonsense: a new port, remembered over it
        }
    }

    private void remember() {
        Path temp = remembered.resolveSibling(REMEMBERED + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, address.authority() + "\n", StandardCharsets.UTF_8);
            Files.move(temp, remembered, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only the next restart's port depends on it: the dashboard serves regardless.
        }
    }

    private UiInfo info(boolean started) {
        String url = url();
        return new UiInfo(url, url + "?token=" + token().value(), started);
    }

    /** {@code http://127.0.0.1:PORT/} while the dashboard is served, else null. */
    String url() {
        UiAddress a = address;
        return a == null ? null : "http://" + a.authority() + "/";
    }

    /** {@code 127.0.0.1:PORT} while the dashboard is served, else null. */
    String address() {
        UiAddress a = address;
        return a == null ? null : a.authority();
    }

    /** True for a request that came in on this listener. */
    boolean accepted(Connector c) {
        return c != null && c == connector;
    }

    /** True for a {@code Host} header that names this listener (DNS rebinding sends another name). */
    boolean ownHost(String host) {
        return host != null && hosts.contains(host.toLowerCase(java.util.Locale.ROOT));
    }
}
