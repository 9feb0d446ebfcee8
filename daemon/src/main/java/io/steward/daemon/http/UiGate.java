package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.daemon.session.AuditLog;
import io.steward.daemon.session.Caller;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What a request on the dashboard's TCP listener must pass before it reaches the page or the API
 * (requests on the Unix socket go straight through): the listener's own {@code Host} (a DNS
 * rebinding names another), the token (in the cookie the first load sets, or as a bearer), and
 * the page's own {@code Origin} on every WebSocket upgrade and every request that may change
 * something. Every answer carries the page's security headers; every refusal is audited and counted.
 */
final class UiGate extends Handler.Wrapper {
    /** Why a request was refused: the metric's label and the audit's result. */
    enum Refusal {
        UNAUTHORIZED(401), HOST(421), ORIGIN(403), METHOD(405);

        final int status;

        Refusal(int status) {
            this.status = status;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final UiListener listener;
    private final UiFiles files = new UiFiles();
    private final AuditLog audit;
    private final Metrics metrics;
    private final Peers.Peer owner;

    UiGate(UiListener listener, AuditLog audit, Metrics metrics, int ownerUid) {
        this.listener = listener;
        this.audit = audit;
        this.metrics = metrics;
        // The token proves the owner sent it: the kernel cannot say who is behind a TCP peer.
        this.owner = new Peers.Peer(ownerUid, -1);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!listener.accepted(request.getConnectionMetaData().getConnector())) {
            return super.handle(request, response, callback);
        }
        securityHeaders(response);
        String method = request.getMethod();
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (!listener.ownHost(host)) {
            return refuse(request, response, callback, Refusal.HOST);
        }
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST") && !method.equals("DELETE")) {
            return refuse(request, response, callback, Refusal.METHOD);
        }
        String presented = queryToken(request);
        if (presented != null) {
            if (!listener.token().matches(presented) || !readOnly(method)) {
                return refuse(request, response, callback, Refusal.UNAUTHORIZED);
            }
            // The token leaves the address bar (and the history) for a cookie scripts cannot read.
            response.setStatus(303);
            response.getHeaders().put(HttpHeader.LOCATION, withoutToken(request));
            response.getHeaders().put(HttpHeader.SET_COOKIE, listener.token().cookie(localPort(request)));
            response.write(true, null, callback);
            return true;
        }
        if (!listener.token().inCookies(request.getHeaders().getValuesList(HttpHeader.COOKIE), localPort(request))
                && !listener.token().inAuthorization(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return refuse(request, response, callback, Refusal.UNAUTHORIZED);
        }
        if ((!readOnly(method) || upgrade(request))
                && !("http://" + host).equalsIgnoreCase(request.getHeaders().get(HttpHeader.ORIGIN))) {
            return refuse(request, response, callback, Refusal.ORIGIN);
        }
        String path = Request.getPathInContext(request);
        if (path.startsWith("/v1/")) {
            request.setAttribute(Peers.ATTRIBUTE, owner);
            return super.handle(request, response, callback);
        }
        return page(request, response, callback, path);
    }

    /** {@code /} is the page, {@code /ui/...} its files; nothing else is served here. */
    private boolean page(Request request, Response response, Callback callback, String path) {
        String asset = path.equals("/") ? "index.html" : path.startsWith("/ui/") ? path.substring(4) : null;
        var file = asset == null ? java.util.Optional.<UiFiles.Served>empty() : files.find(asset);
        if (file.isEmpty()) {
            Http.problem(response, 404, ErrorCode.NOT_FOUND, "no such page: " + path, callback);
        } else if (!readOnly(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Http.problem(response, 405, ErrorCode.METHOD_NOT_ALLOWED, "the page's files are only read", callback);
        } else {
            UiFiles.send(request, response, callback, file.get());
        }
        return true;
    }

    /** The port the request came in on: the listener's own. */
    private static int localPort(Request request) {
        return Request.getLocalPort(request);
    }

    private static boolean readOnly(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static boolean upgrade(Request request) {
        // A WebSocket asks with this header (HTTP/1.1 only here); an h2c offer, as java.net.http sends, is no upgrade: it is ignored.
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /** Headers every answer of the listener carries, refusals included; the page's files set their own caching. */
    static void securityHeaders(Response response) {
        var h = response.getHeaders();
        h.put("Content-Security-Policy", io.steward.ui.UiAssets.CONTENT_SECURITY_POLICY);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put(HttpHeader.CACHE_CONTROL, "no-cache");
    }

    /** Refused with nothing but the status (and the security headers): a stranger learns nothing. */
    private boolean refuse(Request request, Response response, Callback callback, Refusal why) {
        metrics.uiRefused(why);
        String action = "ui " + request.getMethod() + " " + Request.getPathInContext(request);
        audit.record(new Caller(-1, -1), action.length() > 200 ? action.substring(0, 200) : action, null, why.label());
        response.setStatus(why.status);
        if (why == Refusal.METHOD) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST, DELETE");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
        return true;
    }

    /** The token a first load carries in its query, or null. */
    private static String queryToken(Request request) {
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(UiToken.QUERY + "=")) {
                return pair.substring(UiToken.QUERY.length() + 1);
            }
        }
        return null;
    }

    /** The request's path and query, the token taken out. */
    private static String withoutToken(Request request) {
        StringBuilder rest = new StringBuilder();
        for (String pair : request.getHttpURI().getQuery().split("&")) {
            if (!pair.startsWith(UiToken.QUERY + "=") && !pair.isEmpty()) {
                rest.append(rest.isEmpty() ? "?" : "&").append(pair);
            }
        }
        return request.getHttpURI().getPath() + rest;
    }
}
