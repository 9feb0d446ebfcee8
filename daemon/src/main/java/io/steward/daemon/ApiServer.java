package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Libc;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/** The daemon's HTTP/1.1, WebSocket and SSE server on its Unix socket (Jetty, no servlets). */
public final class ApiServer implements AutoCloseable {
    private final Server server;
    private final SocketKeeper socket;

    private ApiServer(Server server, SocketKeeper socket) {
        this.server = server;
        this.socket = socket;
    }

    public static ApiServer start(Daemon daemon) throws Exception {
        Path socket = daemon.home().socket();
        Server server = new Server(new VirtualThreadPool());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        Peers peers = new Peers();
        SocketKeeper keeper = new SocketKeeper(server, socket, path -> {
            UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 0, 1, new HttpConnectionFactory(http));
            connector.setUnixDomainPath(path);
            connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
            connector.addEventListener(peers);
            return connector;
        });
        Metrics metrics = new Metrics();
        int owner = Libc.getuid();
        ApiHandler api = new ApiHandler(daemon, owner, metrics);
        UriTemplatePathSpec attach = new UriTemplatePathSpec("/v1/sessions/{ref}/attach");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(Duration.ofMinutes(30));
            container.setMaxBinaryMessageSize(Sessions.MAX_STDIN_BYTES);
            container.setMaxTextMessageSize(64 * 1024);
            container.addMapping(attach, (rq, rs, cb) -> {
                try {
                    Caller caller = api.caller(rq, daemon.sessions());
                    Session s = daemon.sessions().find(attach.getPathParams(Request.getPathInContext(rq)).get("ref"));
                    Fields q = Http.query(rq);
                    boolean steal = "true".equals(q.getValue("steal"));
                    if (!steal && s.attached()) {
                        throw new StewardException(ErrorCode.ALREADY_ATTACHED, "session " + s.id
                                + " already has a client attached; steal it to take over");
                    }
                    return new AttachEndpoint(daemon.sessions(), s, caller, steal, "true".equals(q.getValue("readOnly")),
                            cursor(q, "cursor"), cursor(q, "stderrCursor"), metrics);
                } catch (StewardException e) {
                    Http.problem(rs, e, cb);
                    return null;
                }
            });
        });
        ws.setHandler(api);
        server.setHandler(ws);
        server.setErrorHandler(new Http.ProblemErrorHandler());
        server.setStopAtShutdown(false);
        server.start();
        try {
            // Replaces a stale socket of a dead daemon; a live one holds the home's lock, so it is not one.
            keeper.bind();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        daemon.everyTick(keeper::check);
        return new ApiServer(server, keeper);
    }

    private static long cursor(Fields q, String name) {
        String v = q.getValue(name);
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, name + ": a non-negative integer is required");
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        server.stop();
    }
}
