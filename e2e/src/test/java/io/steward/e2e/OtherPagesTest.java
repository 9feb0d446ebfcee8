package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OtherPagesTest extends DashboardTest {

    @Test
    void aSessionsChartsAndEvents() {
        steward.run("argv", List.of("sh", "-c", "while :; do :; done"), "name", "busy");
        go("#/s/busy/charts");
        // two samples make a line: one a second here (the daemon's samplePeriodMs)
        assertThat(page.locator("#pane-charts[data-samples]:not([data-samples='0']):not([data-samples='1'])")).isVisible();
        assertThat(page.locator("#chart-cpu canvas")).isVisible();
        assertThat(page.locator("#chart-mem canvas")).isVisible();
        assertThat(page.locator("#charts-status")).containsText("one per 1s");

        page.click("[data-testid=tab-events]");
        assertThat(page.locator("[data-testid=session-event][data-type=started]")).hasCount(1);
        steward.client.sessions().kill("busy");
        assertThat(page.locator("[data-testid=session-event][data-type=ended]")).hasCount(1);
    }

    @Test
    void theDaemonsHealthCapabilitiesAndHeartbeats() {
        go("#/health");
        assertThat(page.locator("[data-testid=health-status]")).hasText("ok");
        assertThat(page.locator("#health")).containsText(steward.url);
        go("#/capabilities");
        assertThat(page.locator("[data-testid=cap-lifecycle]")).hasText("supported");
        assertThat(page.locator("#capabilities tbody tr")).not().hasCount(0);
        go("#/heartbeats");
        assertThat(page.locator("#heartbeats")).containsText("no agent has sent a beat");
    }
}
