package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The daemon's API from Java. Errors come back as {@link StewardException}s carrying the problem's
 * stable code, so callers handle {@code not-found} and friends the same way the daemon raised them.
 */
public final class StewardClient {
    private final UnixHttp http;
    private final StewardHome home;

    public StewardClient(StewardHome home) {
        this.http = new UnixHttp(home.socket());
        this.home = home;
    }

    public Map<String, Object> health() {
        return object("GET", "/v1/health", null);
    }

    public Map<String, Object> run(Map<String, Object> options) {
        return object("POST", "/v1/sessions", options);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(boolean all) {
        return (List<Map<String, Object>>) object("GET", "/v1/sessions" + (all ? "?all=true" : ""), null).get("sessions");
    }

    public Map<String, Object> session(String ref) {
        return object("GET", "/v1/sessions/" + ref, null);
    }

    public Map<String, Object> stop(String ref, long graceMs, boolean wait) {
        return object("POST", "/v1/sessions/" + ref + "/stop", Json.object("graceMs", graceMs, "wait", wait));
    }

    /**
     * Attaches to a session (id, unique id prefix of 6+ characters, or name) over a WebSocket.
     *
     * @throws StewardException with the daemon's code when refused: {@code not-found}, {@code already-attached}
     */
    public Attachment attach(String ref, AttachOptions options) {
        return Attachment.open(home.socket(), ref, options);
    }

    public Map<String, Object> stopDaemon(long graceMs) {
        return object("POST", "/v1/daemon/stop", Json.object("graceMs", graceMs));
    }

    /** Sends a request whose answer is a JSON object; a problem answer becomes a typed exception. */
    public Map<String, Object> object(String method, String path, Map<String, Object> body) {
        UnixHttp.Response r = http.send(method, path, "application/json",
                body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8));
        return parse(r);
    }

    public UnixHttp.Response raw(String method, String path, String contentType, byte[] body) {
        return http.send(method, path, contentType, body);
    }

    static Map<String, Object> parse(UnixHttp.Response r) {
        Map<String, Object> m = Json.parseObject(r.text());
        if (r.status() >= 400) {
            Object code = m.get("code");
            ErrorCode c = code instanceof String s ? ErrorCode.fromWire(s).orElse(ErrorCode.INTERNAL) : ErrorCode.INTERNAL;
            Object detail = m.get("detail");
            throw new StewardException(c, detail instanceof String d ? d : "HTTP " + r.status());
        }
        return m;
    }
}
