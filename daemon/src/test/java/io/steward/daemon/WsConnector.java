package io.steward.daemon;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Jetty's WebSocket client speaking to the daemon over its Unix socket. Close it to stop every client it made. */
final class WsConnector implements AutoCloseable {
    private final HttpClient http;
    private final WebSocketClient ws;

    WsConnector(Path socket) throws Exception {
        Transport unix = new Transport.TCPUnix(socket);
        http = new HttpClient(new HttpClientTransportOverHTTP(new ClientConnector()) {
            @Override
            public Origin newOrigin(org.eclipse.jetty.client.Request request) {
                if (request.getTransport() == null) {
                    request.transport(unix);
                }
                return super.newOrigin(request);
            }
        });
        http.start();
        ws = new WebSocketClient(http);
        ws.setMaxBinaryMessageSize(4 * 1024 * 1024);
        ws.setMaxTextMessageSize(1024 * 1024);
        ws.start();
    }

    /** Attaches {@code listener} to a session; {@code query} is the query string without the '?', or empty. */
    Session attach(WsListener listener, String sessionId, String query) throws Exception {
        return ws.connect(listener, uri(sessionId, query)).get(10, TimeUnit.SECONDS);
    }

    /** Attempts an attach that must be refused at the upgrade; returns the HTTP status of the refusal. */
    int refusedStatus(String sessionId, String query) throws Exception {
        WsListener l = new WsListener();
        try {
            Session s = ws.connect(l, uri(sessionId, query)).get(10, TimeUnit.SECONDS);
            s.close();
            throw new AssertionError("attach " + query + " was accepted");
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof UpgradeException u) {
                    return u.getResponseStatusCode();
                }
            }
            throw new AssertionError("attach failed without an upgrade refusal", e);
        }
    }

    private static URI uri(String sessionId, String query) {
        return URI.create("ws://localhost/v1/sessions/" + sessionId + "/attach" + (query.isEmpty() ? "" : "?" + query));
    }

    @Override
    public void close() {
        try {
            try {
                ws.stop();
            } finally {
                http.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("stopping the WebSocket client", e);
        }
    }
}
