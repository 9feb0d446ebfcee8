package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Session;
import io.steward.daemon.supervision.Sessions;
import io.steward.sys.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/** The daemon's HTTP/1.1, WebSocket and SSE server on its Unix socket (Jetty, no servlets). */
public final class ApiServer implements AutoCloseable {
    private final Server server;
    private final SocketKeeper socket;
    private final ApiHandler api;
    private final Metrics metrics;
    private final Backend daemon;
    private final UiListener ui;

    private ApiServer(Server server, SocketKeeper socket, ApiHandler api, Metrics metrics, Backend daemon,
            UiListener ui) {
        this.server = server;
        this.ui = ui;
        this.socket = socket;
        this.api = api;
        this.metrics = metrics;
        this.daemon = daemon;
    }

    /**
     * Platform threads select, parse and run a WebSocket's frames on the thread that selected them
     * (Jetty's execute-produce-consume: a keystroke reaches the session with no hand-off); the API's
     * handlers, many of which wait (wait, apply, events, logs), run on a virtual thread each
     * ({@link ApiHandler}), and a frame that would wait for room in stdin hands that wait to one.
     * With Jetty's VirtualThreadPool the selector itself was a virtual thread, parking through the
     * JDK's poller and freezing its stack on every wake-up, and each frame started a virtual
     * thread: a keystroke's echo had a p99 of 1.5 to 2 times tmux's even on a warm daemon.
     */
    static QueuedThreadPool threads() {
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("steward-http");
        return pool;
    }

    public static ApiServer start(Backend daemon) throws Exception {
        return start(daemon, null);
    }

    /**
     * Loads and initialises the server's classes (Jetty's HTTP, WebSocket and Unix socket parts) by
     * building a server that is never started: a daemon taking over from its predecessor runs this
     * on a second thread while it reads the state and takes the sessions over, so the real start,
     * which nobody is served before, finds them ready.
     */
    public static void warmUp() {
        Server server = new Server(threads());
        WebSocketUpgradeHandler.from(server, container -> container.setIdleTimeout(Duration.ofMinutes(30)));
        new UnixDomainServerConnector(server, 0, 1, new HttpConnectionFactory(new HttpConfiguration()));
        server.setErrorHandler(new Http.ProblemErrorHandler());
        new Metrics();
        Route.match("GET", "/v1/health");
    }

    /**
     * @param handedOver the metrics a daemon before this one counted, when it handed this one its
     *     listening socket (as fd 0); null to bind a new socket
     */
    public static ApiServer start(Backend daemon, java.io.DataInputStream handedOver) throws Exception {
        return start(daemon, handedOver, null);
    }

    /**
     * @param handedOver the metrics a daemon before this one counted, when it handed this one its
     *     listening socket (as fd 0); null to bind a new socket
     * @param uiHandedOver the dashboard's token that daemon had ({@link #handOverUi}), or null to draw one
     */
    public static ApiServer start(Backend daemon, java.io.DataInputStream handedOver, java.io.DataInputStream uiHandedOver)
            throws Exception {
        Path socket = daemon.home().socket();
        Server server = new Server(threads());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        Peers peers = new Peers();
        SocketKeeper keeper = new SocketKeeper(server, socket, path -> {
            UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 0, 1, new HttpConnectionFactory(http));
            connector.setUnixDomainPath(path);
            connector.setAcceptQueueSize(listenBacklog(SOMAXCONN));
            connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
            connector.addEventListener(peers);
            return connector;
        });
        Metrics metrics = new Metrics();
        if (handedOver != null) {
            metrics.takeOver(handedOver);
        }
        int owner = Libc.getuid();
        String handedToken = uiHandedOver != null ? uiHandedOver.readUTF() : "";
        UiToken token = handedToken.isEmpty() ? null : new UiToken(handedToken);
        UiListener ui = new UiListener(server, http, daemon.home().dir(), token);
        ApiHandler api = new ApiHandler(daemon, owner, metrics, ui);
        UriTemplatePathSpec attach = new UriTemplatePathSpec("/v1/sessions/{ref}/attach");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(Duration.ofMinutes(30));
            container.setMaxBinaryMessageSize(Sessions.MAX_STDIN_BYTES);
            container.setMaxTextMessageSize(64 * 1024);
            container.addMapping(attach, (rq, rs, cb) -> {
                try {
                    Caller caller = api.caller(rq, daemon.sessions());
                    Query q = Query.of(rq, Route.ATTACH);
                    boolean steal = q.bool("steal");
                    boolean readOnly = q.bool("readOnly");
                    long cursor = q.nonNegative("cursor", 0);
                    long stderrCursor = q.nonNegative("stderrCursor", 0);
                    if (readOnly && steal) {
                        throw new StewardException(ErrorCode.INVALID_INPUT,
                                "readOnly and steal exclude each other: watching never needs to evict anyone");
                    }
                    Session s = daemon.sessions().find(attach.getPathParams(Request.getPathInContext(rq)).get("ref"));
                    if (!steal && !readOnly && s.attached()) {
                        throw new StewardException(ErrorCode.ALREADY_ATTACHED, "session " + s.id()
                                + " already has a client attached; steal it to take over");
                    }
                    return new AttachEndpoint(daemon.sessions(), s, caller, steal, readOnly, cursor, stderrCursor,
                            metrics);
                } catch (StewardException e) {
                    Http.problem(rs, e, cb);
                    return null;
                }
            });
        });
        ws.setHandler(api);
        UiGate gate = new UiGate(ui, daemon.sessions().audit(), metrics, owner);
        gate.setHandler(ws);
        server.setHandler(gate);
        server.setErrorHandler(new Http.ProblemErrorHandler());
        server.setStopAtShutdown(false);
        server.start();
        try {
            if (handedOver != null) {
                keeper.adopt();
            } else {
                // Replaces a stale socket of a dead daemon; a live one holds the home's lock, so it is not one.
                keeper.bind();
            }
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        daemon.everyTick(keeper::check);
        return new ApiServer(server, keeper, api, metrics, daemon, ui);
    }

    /**
     * Serves the dashboard on a loopback TCP port as well: {@code address}, or where it was served
     * last (a free port the first time) when null. Answers at once when it is served already.
     *
     * @throws StewardException {@code conflict} when the port is taken, or the dashboard is served elsewhere
     */
    public io.steward.api.UiInfo ui(io.steward.api.UiAddress address) {
        return ui.start(address);
    }

    /** Where the dashboard listens ({@code 127.0.0.1:PORT}), or null while it does not. */
    public String uiAddress() {
        return ui.address();
    }

    /**
     * Stops serving for a hand-over: connections wait in the socket's backlog, requests that come
     * on open ones are answered {@code upgrading}, and this returns once those under way are done.
     *
     * @return false when some were still under way at {@code patience}: serving goes on
     */
    public boolean drain(java.time.Duration patience) throws InterruptedException {
        socket.accepting(false);
        if (!api.drain(patience)) {
            undrain();
            return false;
        }
        endStreams();
        // A connection accepted just before may not have sent its request yet: it is read (and
        // answered upgrading) or closed before the hand-over. One kept open by its client is cut.
        long deadline = System.nanoTime() + LINGER.toNanos();
        while (socket.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return true;
    }

    /** How long a drain waits for the connections still open to close. */
    private static final Duration LINGER = Duration.ofSeconds(1);

    /** Serves again: the hand-over did not happen. */
    public void undrain() {
        api.undrain();
        socket.accepting(true);
    }

    /** Ends the event streams and lets every attached client go with 1012 (service restart): they resume. */
    private void endStreams() {
        daemon.sessions().events().endStreams();
        for (Session s : daemon.sessions().registry().all()) {
            s.clients().forEach(Session.Attachment::upgrading);
        }
    }

    /** The listening socket's descriptor: what a hand-over keeps, as the next daemon's fd 0. */
    public int listeningFd() {
        return socket.listeningFd();
    }

    /** The dashboard's token, for the next daemon: a page left open keeps working across an upgrade. */
    public void handOverUi(java.io.DataOutputStream out) throws java.io.IOException {
        UiToken token = ui.tokenIfDrawn();
        out.writeUTF(token == null ? "" : token.value());
    }

    /** The request counters, for the next daemon. */
    public void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        metrics.handOver(out);
    }

    /**
     * The listen backlog: the system's maximum ({@code net.core.somaxconn}, which the kernel caps
     * any backlog at anyway), 4096 when it cannot be read. Jetty's default of 0 makes the JDK ask
     * for 50, and a burst of non-blocking connects beyond what is queued is refused with EAGAIN.
     */
    static int listenBacklog(Path somaxconn) {
        // Read as a line: Files.readString of a /proc/sys file, whose size is 0, returns its first byte only.
        try (java.io.BufferedReader r = Files.newBufferedReader(somaxconn)) {
            String line = r.readLine();
            int n = line == null ? 0 : Integer.parseInt(line.strip());
            return n > 0 ? n : DEFAULT_BACKLOG;
        } catch (java.io.IOException | NumberFormatException e) {
            return DEFAULT_BACKLOG;
        }
    }

    private static final int DEFAULT_BACKLOG = 4096;
    static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    @Override
    public void close() throws Exception {
        socket.close();
        server.stop();
    }
}
