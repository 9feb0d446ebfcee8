package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.options.RequestOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** What a browser without the token, at another host name or on another site's page gets: nothing. */
class RefusalsTest extends DashboardTest {

    @Test
    void withoutTheTokenTheAnswerIs401AndNothingElseAndAnotherHostNameIsRefused() {
        // (a browser context of its own, without the page's cookie; Chromium itself shows no page for
        // an error without a body, so its requests are made the way the page's scripts make them)
        try (BrowserContext stranger = browser.newContext()) {
            APIResponse page = stranger.request().get(steward.url);
            assertEquals(401, page.status());
            assertEquals("", page.text());
            assertEquals(401, stranger.request().get(steward.url + "v1/sessions").status());
            assertEquals(401, stranger.request().post(steward.url + "v1/sessions",
                    RequestOptions.create().setHeader("Origin", steward.url.replaceAll("/$", ""))).status());
        }
        // the token left the address bar for the cookie
        assertEquals(steward.url, page.url());

        // the very listener, under a name a DNS rebinding would give it, with the page's cookie
        URI u = URI.create(steward.url);
        APIResponse r = context.request().get(steward.url + "v1/sessions",
                RequestOptions.create().setHeader("Host", "rebound.example:" + u.getPort()));
        assertEquals(421, r.status());
        assertEquals(200, context.request().get(steward.url + "v1/sessions").status());
    }

    @Test
    void anotherSitesPageCannotActOrAttach() {
        steward.run("argv", java.util.List.of("sleep", "600"), "name", "nap");
        // with the page's cookie, but another Origin
        APIResponse post = context.request().post(steward.url + "v1/sessions/nap/kill",
                RequestOptions.create().setHeader("Origin", "http://attacker.test"));
        assertEquals(403, post.status());
        APIResponse ws = context.request().get(steward.url + "v1/sessions/nap/attach", RequestOptions.create()
                .setHeader("Origin", "http://attacker.test").setHeader("Connection", "Upgrade").setHeader("Upgrade", "websocket")
                .setHeader("Sec-WebSocket-Version", "13").setHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
        assertEquals(403, ws.status());
        assertTrue(steward.client.sessions().get("nap").running(), "the refused kill did nothing");
        // the page itself, same origin, may
        go("#/s/nap/logs");
        page.click("#action-kill");
        assertThat(page.locator("#action-outcome[data-done=ok]")).containsText("kill:");
    }
}
