package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.UiAddress;
import io.steward.api.UiInfo;
import io.steward.ui.UiAssets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's loopback listener: the same API and the page, behind the token, the listener's
 * own Host and the page's own Origin; every refusal audited and counted.
 */
class UiListenerTest extends DaemonFixture {
    private UiInfo ui;
    private int port;
    private String token;
    private String cookie;
    private String origin;

    @BeforeEach
    void serveTheDashboard() {
        ui = server.ui(null);
        URI link = URI.create(ui.link());
        port = link.getPort();
        token = link.getQuery().substring("token=".length());
        cookie = "Cookie: steward_token=" + token;
        origin = "Origin: http://127.0.0.1:" + port;
    }

    @Test
    void theTokenBecomesACookieThatOpensThePageAndTheApi() throws Exception {
        assertTrue(ui.started());
        assertEquals("http://127.0.0.1:" + port + "/", ui.url());
        assertEquals(43, token.length(), "32 bytes, url-safe base64 without padding");

        RawHttp.Answer first = RawHttp.get(port, "/?token=" + token);
        assertEquals(303, first.status());
        assertEquals("/", first.header("Location"), "the token leaves the address bar");
        assertEquals("steward_token=" + token + "; Path=/; HttpOnly; SameSite=Strict", first.header("Set-Cookie"));
        assertEquals("/ui/app.js?x=1", RawHttp.get(port, "/ui/app.js?token=" + token + "&x=1").header("Location"));

        RawHttp.Answer page = RawHttp.get(port, "/", cookie);
        assertEquals(200, page.status());
        assertArrayEquals(UiAssets.find("index.html").orElseThrow().bytes(), page.body());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        securityHeaders(page);
        assertEquals("no-cache", page.header("Cache-Control"));
        assertNotNull(page.header("ETag"));
        assertEquals(304, RawHttp.get(port, "/", cookie, "If-None-Match: " + page.header("ETag")).status());

        RawHttp.Answer health = RawHttp.get(port, "/v1/health", cookie);
        assertEquals(200, health.status());
        securityHeaders(health);
        assertEquals(ui.url(), Json.parseObject(health.text()).get("ui"), "health names the page, without its token");
        assertEquals(ui.url(), client.daemon().health().ui(), "on the Unix socket too");
        assertEquals(200, RawHttp.get(port, "/v1/health", "Authorization: Bearer " + token).status(), "a script's way");
        assertEquals(200, RawHttp.get(port, "/v1/health", cookie, "Host: localhost:" + port).status());

        UiInfo again = server.ui(null);
        assertEquals(false, again.started());
        assertEquals(ui.link(), again.link(), "asked again: the same listener, the same token");
    }

    @Test
    void withoutTheTokenNothingButA401() throws Exception {
        for (RawHttp.Answer a : List.of(RawHttp.get(port, "/"), RawHttp.get(port, "/v1/health"),
                RawHttp.get(port, "/ui/index.html"), RawHttp.get(port, "/v1/sessions", "Cookie: steward_token=guess"),
                RawHttp.get(port, "/?token=guess"), RawHttp.get(port, "/v1/health", "Authorization: Bearer guess"),
                RawHttp.send(port, "POST", "/v1/sessions", List.of(origin), "{\"argv\":[\"true\"]}"))) {
            assertEquals(401, a.status());
            assertEquals(0, a.body().length, "nothing else");
            securityHeaders(a);
        }
        assertEquals(List.of(), client.sessions().list(true, null), "the POST started nothing");
        assertEquals(7, metric("steward_ui_refusals_total{reason=\"unauthorized\"}"));
        assertEquals(7, audited("unauthorized"));
    }

    @Test
    void anotherHostIsRefusedEvenWithTheToken() throws Exception {
        for (String host : List.of("evil.example:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1", "[::1]:" + port)) {
            RawHttp.Answer a = RawHttp.get(port, "/v1/health", cookie, "Host: " + host);
            assertEquals(421, a.status(), host);
            assertEquals(0, a.body().length);
        }
        assertEquals(421, RawHttp.get(port, "/?token=" + token, "Host: rebound.example:" + port).status());
        assertEquals(5, metric("steward_ui_refusals_total{reason=\"host\"}"));
        assertEquals(5, audited("host"));
    }

    @Test
    void aForeignOriginChangesNothing() throws Exception {
        String run = "{\"argv\":[\"sleep\",\"30\"],\"name\":\"web\"}";
        for (String o : List.of("Origin: http://evil.example", "Origin: http://127.0.0.1:" + (port + 1), "Origin: null")) {
            assertEquals(403, RawHttp.send(port, "POST", "/v1/sessions", List.of(cookie, o), run).status(), o);
        }
        assertEquals(403, RawHttp.send(port, "POST", "/v1/sessions", List.of(cookie), run).status(), "no Origin at all");
        assertEquals(List.of(), client.sessions().list(true, null));

        RawHttp.Answer started = RawHttp.send(port, "POST", "/v1/sessions", List.of(cookie, origin), run);
        assertEquals(201, started.status(), started.text());
        SessionInfo web = SessionInfo.fromJson(Json.parseObject(started.text()));
        assertEquals(403, RawHttp.send(port, "DELETE", "/v1/sessions/web", List.of(cookie,
                "Origin: http://evil.example"), null).status());

        String attach = "/v1/sessions/" + web.id() + "/attach?readOnly=true";
        assertEquals(403, RawHttp.upgrade(port, attach, cookie, "Origin: http://evil.example"));
        assertEquals(403, RawHttp.upgrade(port, attach, cookie));
        assertEquals(401, RawHttp.upgrade(port, attach, origin));
        assertEquals(101, RawHttp.upgrade(port, attach, cookie, origin), "the page's own attach");
        assertEquals(7, metric("steward_ui_refusals_total{reason=\"origin\"}"));
        assertEquals(7, audited("origin"));
        assertEquals(io.steward.api.SessionState.RUNNING, client.sessions().get("web").state(), "still running");
    }

    @Test
    void aGetNeverChangesStateAndOtherMethodsAreRefused() throws Exception {
        SessionInfo web = run("argv", List.of("sleep", "30"), "name", "web");
        for (String action : List.of("stop", "kill", "restart", "signal", "stdin")) {
            RawHttp.Answer a = RawHttp.get(port, "/v1/sessions/" + web.id() + "/" + action, cookie);
            assertEquals(405, a.status(), action);
        }
        assertEquals(405, RawHttp.send(port, "PUT", "/v1/sessions/web", List.of(cookie, origin), "{}").status());
        assertEquals(405, RawHttp.send(port, "OPTIONS", "/v1/sessions", List.of(cookie, origin), null).status());
        assertEquals(405, RawHttp.send(port, "POST", "/", List.of(cookie, origin), "{}").status());
        assertEquals(web.pid(), client.sessions().get("web").pid());
        assertEquals(io.steward.api.SessionState.RUNNING, client.sessions().get("web").state());
    }

    @Test
    void onlyTheApiAndThePageAreServed() throws Exception {
        assertEquals(404, RawHttp.get(port, "/metrics", cookie).status(), "the Unix socket's, not the page's");
        assertEquals(404, RawHttp.get(port, "/index.html", cookie).status());
        assertEquals(404, RawHttp.get(port, "/ui/", cookie).status());
        assertEquals(404, RawHttp.get(port, "/ui/no-such.js", cookie).status());
        assertTrue(RawHttp.get(port, "/ui/%2e%2e/steward.sock", cookie).status() >= 400);
        assertEquals(200, RawHttp.get(port, "/ui/index.html", cookie).status());
        assertEquals(200, RawHttp.send(port, "HEAD", "/", List.of(cookie), null).status());
    }

    @Test
    void filesGoCompressedToBrowsersThatTakeIt() throws Exception {
        byte[] plain = UiAssets.find("index.html").orElseThrow().bytes();
        RawHttp.Answer a = RawHttp.get(port, "/", cookie, "Accept-Encoding: gzip, deflate, br");
        assertEquals(200, a.status());
        assertEquals("Accept-Encoding", a.header("Vary"));
        byte[] body = a.body();
        if ("gzip".equals(a.header("Content-Encoding"))) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            assertTrue(a.body().length < plain.length);
        }
        assertArrayEquals(plain, body);
        assertEquals(null, RawHttp.get(port, "/", cookie, "Accept-Encoding: gzip;q=0").header("Content-Encoding"));
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithTheWayToReachIt() {
        for (String address : List.of("0.0.0.0:8080", "192.168.1.10:8080", "example.com:8080", "[::]:8080")) {
            StewardException e = assertThrows(StewardException.class, () -> UiAddress.parse(address));
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().contains("ssh -L 8080:127.0.0.1:8080 host"), e.getMessage());
        }
        var refused = raw("POST", "/v1/ui", "{\"address\":\"0.0.0.0:8080\"}");
        assertEquals(400, refused.status());
    }

    @Test
    void thePortIsRememberedInTheHome() throws Exception {
        assertEquals("127.0.0.1:" + port, Files.readString(home.resolve("ui-address")).strip());
    }

    private void securityHeaders(RawHttp.Answer a) {
        String csp = a.header("Content-Security-Policy");
        assertNotNull(csp, "every answer has the policy");
        // The page's policy, whichever module holds it: nothing but this origin, no inline script, no framing.
        assertTrue(csp.startsWith("default-src 'self';"), csp);
        assertTrue(csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(!csp.contains("script-src") || csp.contains("script-src 'self';"), csp);
        assertEquals("nosniff", a.header("X-Content-Type-Options"));
        assertEquals("no-referrer", a.header("Referrer-Policy"));
    }

    /** Lines of the audit log with this result. */
    private long audited(String result) throws Exception {
        return Files.readAllLines(home.resolve("audit.log")).stream()
                .map(Json::parseObject).filter(m -> result.equals(m.get("result"))).count();
    }

    static Map<String, Object> json(RawHttp.Answer a) {
        return Json.parseObject(a.text());
    }
}
