package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Download;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsTest extends DashboardTest {
    // 10,000 lines of about 100 bytes: a backlog of about 1 MiB, the ring's default size
    private static final String BACKLOG = "awk 'BEGIN { for (i = 1; i <= 10000; i++) printf \"line %05d %s\\n\", i, "
            + "\"................................................................................\" }'; "
            + "echo oops >&2; while read l; do echo \"new $l\"; done";

    private int rendered() {
        return ((Number) page.evaluate("() => document.querySelectorAll('#log-rows .log-line').length")).intValue();
    }

    @Test
    void tenThousandLinesRenderAndScrollFollowingShowsNewLinesAndSearchFindsOne() throws Exception {
        steward.run("argv", List.of("sh", "-c", BACKLOG), "name", "chatty");
        go("#/s/chatty/logs");
        assertThat(page.locator("#log-box[data-lines='10001']")).isVisible();
        // following: the end is in sight, and only the rows in sight are in the page
        assertThat(page.locator("#log-rows")).containsText("line 10000");
        assertTrue(rendered() < 200, "rows in the page: " + rendered());

        page.evaluate("() => { const b = document.getElementById('log-box'); b.scrollTop = 0; }");
        assertThat(page.locator("#log-rows .log-line").first()).containsText("line 00001");
        assertThat(page.locator("#log-follow")).not().isChecked();
        page.locator("#log-box").hover();
        page.mouse().wheel(0, 18 * 2000);
        assertThat(page.locator("#log-rows .log-line").first()).not().containsText("line 00001");
        page.evaluate("() => { const b = document.getElementById('log-box'); b.scrollTop = 18 * 5000; }");
        assertThat(page.locator("#log-rows")).containsText("line 05001");
        assertTrue(rendered() < 200, "rows in the page: " + rendered());

        page.fill("#log-search", "line 07777");
        page.press("#log-search", "Enter");
        // its place among both streams' lines: stderr's one line may have come before it
        assertThat(page.locator("#log-search-status")).hasText(java.util.regex.Pattern.compile("^line 777[78]$"));
        assertThat(page.locator("#log-rows .log-line.found")).hasText(java.util.regex.Pattern.compile("^line 07777 "));
        page.press("#log-search", "Enter");
        assertThat(page.locator("#log-search-status")).hasText(java.util.regex.Pattern.compile("^line 777[78]$"));

        page.check("#log-follow");
        steward.client.sessions().send("chatty", "fresh\n".getBytes(), false);
        assertThat(page.locator("#log-rows")).containsText("new fresh");
        assertThat(page.locator("#log-box[data-lines='10002']")).isVisible();

        page.selectOption("#log-stream", "stderr");
        assertThat(page.locator("#log-box[data-lines='1']")).isVisible();
        Download download = page.waitForDownload(() -> page.click("#log-download"));
        assertTrue(Files.readString(download.path()).equals("oops\n"), "the download holds the lines shown");
    }
}
