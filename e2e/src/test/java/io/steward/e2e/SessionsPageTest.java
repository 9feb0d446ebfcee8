package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionsPageTest extends DashboardTest {

    private Locator row(String name) {
        return page.locator("[data-testid=session-row][data-name='" + name + "']");
    }

    @Test
    void aSessionStartedFromTheCliAppearsWithinASecondAndItsStopAndRestartShowWithoutAReload() throws Exception {
        assertThat(page.locator("#sessions-table[data-loaded=true]")).isVisible();
        // a reload would lose this
        page.evaluate("() => { window.stillTheSamePage = true; }");

        Steward.Result run = steward.steward("run", "--name", "nap", "--", "sleep", "600");
        assertEquals(0, run.code(), run.err());
        long shown = System.nanoTime();
        assertThat(row("nap")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(1000));
        System.out.printf("session in the table %d ms after `steward run` returned%n", (System.nanoTime() - shown) / 1_000_000);
        assertThat(row("nap").locator("[data-testid=state]")).hasText("running");
        assertThat(row("nap").locator("[data-testid=state]")).hasClass("state green");

        steward.client.sessions().stop("nap", Duration.ofSeconds(2), true);
        assertThat(row("nap").locator("[data-testid=state]")).hasText("killed TERM");
        assertThat(row("nap").locator("[data-testid=state]")).hasClass("state red");

        steward.client.sessions().restart("nap");
        assertThat(row("nap").locator("[data-testid=state]")).hasText("running");
        assertThat(row("nap").locator("td[data-col=restarts]")).hasText("1");
        assertThat(row("nap").locator("td[data-col=lastExit]")).hasText("killed TERM");
        assertTrue((Boolean) page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded");
    }

    @Test
    void savesTheScreenshotTheReadmeShowsAndFiltersAndSorts() throws Exception {
        steward.run("argv", java.util.List.of("sleep", "600"), "name", "api", "label", "backend");
        steward.run("argv", java.util.List.of("sh", "-c", "echo ready; sleep 600"), "name", "web", "label", "frontend");
        steward.run("argv", java.util.List.of("sh", "-c", "exit 3"), "name", "migrate");
        steward.run("argv", java.util.List.of("bash"), "name", "shell", "pty", true);
        assertThat(page.locator("[data-testid=session-row][data-name=migrate] [data-testid=state]")).hasText("exited 3");
        assertThat(page.locator("[data-testid=session-row]")).hasCount(4);
        publish(screenshot("sessions"), "dashboard.png");

        page.fill("#sessions-filter", "front");
        assertThat(page.locator("[data-testid=session-row]")).hasCount(1);
        assertThat(row("web")).isVisible();
        page.fill("#sessions-filter", "");

        // by name at first; a click on a sorted column turns its order round, on another sorts by that one
        assertThat(page.locator("[data-testid=session-row]").first()).hasAttribute("data-name", "api");
        page.click("[data-testid=sort-name]");
        assertThat(page.locator("[data-testid=session-row]").first()).hasAttribute("data-name", "web");
        page.click("[data-testid=sort-state]");
        assertThat(page.locator("[data-testid=session-row]").first()).hasAttribute("data-name", "migrate");
    }
}
