package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steward ui} and {@code daemon start --ui}: an address that works, on the same port after a restart. */
class UiCommandTest {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void uiPrintsAnAddressThatWorksAndKeepsItsPortAcrossRestarts() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        try {
            Cli.Result ui = Cli.runWith(env, null, "ui");
            assertEquals(0, ui.code(), ui.err());
            URI link = URI.create(ui.out().strip());
            assertEquals("127.0.0.1", link.getHost());
            assertTrue(link.getQuery().startsWith("token="), link.toString());

            HttpResponse<String> first = http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, first.statusCode());
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            URI page = link.resolve("/");
            assertEquals(200, get(page, "Cookie", cookie).statusCode());
            HttpResponse<String> health = get(page.resolve("/v1/health"), "Cookie", cookie);
            assertEquals(200, health.statusCode());
            assertEquals(page.toString(), Json.parseObject(health.body()).get("ui"));
            assertEquals(401, get(page, "Cookie", "steward_token=guess").statusCode());

            Cli.Result status = Cli.runWith(env, null, "daemon", "status");
            assertTrue(status.out().contains("dashboard " + page), status.out());
            Cli.Result again = Cli.runWith(env, null, "ui", "--json");
            assertEquals(Boolean.FALSE, Json.parseObject(again.out()).get("started"), again.out());

            assertEquals(0, Cli.runWith(env, null, "daemon", "stop", "--grace", "1s").code());
            Cli.Result restarted = Cli.runWith(env, null, "ui");
            assertEquals(0, restarted.code(), restarted.err());
            URI next = URI.create(restarted.out().strip());
            assertEquals(link.getPort(), next.getPort(), "the home remembers the port");
            assertNotEquals(link.getQuery(), next.getQuery(), "a new daemon, a new token");
            assertEquals(401, get(page, "Cookie", cookie).statusCode(), "the last daemon's cookie opens nothing");
        } finally {
            Cli.runWith(env, null, "daemon", "stop", "--grace", "1s");
        }
    }

    @Test
    void daemonStartServesTheDashboardWhereAskedAndUiFindsIt() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try {
            Cli.Result started = Cli.runWith(env, null, "daemon", "start", "--ui", "127.0.0.1:" + port, "--json");
            assertEquals(0, started.code(), started.err());
            assertEquals("http://127.0.0.1:" + port + "/", Json.parseObject(started.out()).get("ui"));
            Cli.Result ui = Cli.runWith(env, null, "ui");
            assertEquals(port, URI.create(ui.out().strip()).getPort());
            String token = URI.create(ui.out().strip()).getQuery().substring("token=".length());
            assertEquals(200, get(URI.create("http://127.0.0.1:" + port + "/v1/health"), "Authorization",
                    "Bearer " + token).statusCode());
            assertEquals("127.0.0.1:" + port, Files.readString(home.resolve("ui-address")).strip());
        } finally {
            Cli.runWith(env, null, "daemon", "stop", "--grace", "1s");
        }
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithTheSshLine() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        Cli.Result r = Cli.runWith(env, null, "daemon", "start", "--ui", "0.0.0.0:8080");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("ssh -L 8080:127.0.0.1:8080 host"), r.err());
        assertEquals(4, Cli.runWith(env, null, "daemon", "status").code(), "no daemon was started");
    }

    private HttpResponse<String> get(URI uri, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header(header, value).build(), HttpResponse.BodyHandlers.ofString());
    }
}
