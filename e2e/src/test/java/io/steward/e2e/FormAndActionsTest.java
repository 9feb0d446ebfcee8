package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FormAndActionsTest extends DashboardTest {

    @Test
    void aSessionStartedFromTheFormIsStoppedWithTheButtonAndRemoved() {
        go("#/new");
        page.fill("#new-command", "no-such-program-here");
        page.click("#new-submit");
        assertThat(page.locator("#new-error")).containsText("invalid-input: cannot start: program 'no-such-program-here': ENOENT");

        page.fill("#new-command", "sh -c 'echo started from the form; sleep 600'");
        page.fill("#new-name", "formed");
        page.selectOption("#new-restart", "on-failure");
        page.fill("#new-env", "GREETING=hello");
        page.click("#new-submit");

        assertThat(page).hasURL(Pattern.compile("#/s/formed/logs$"));
        assertThat(page.locator("#session-state")).hasText("running");
        assertThat(page.locator("#log-rows")).containsText("started from the form");

        page.fill("#stop-grace", "2000");
        page.click("#action-stop");
        assertThat(page.locator("#action-outcome[data-done=ok]")).hasText("stop: killed TERM (soft-exit)");
        assertThat(page.locator("#session-state")).hasText("killed TERM");

        page.click("#action-remove");
        assertThat(page).hasURL(Pattern.compile("#/sessions$"));
        assertThat(page.locator("#sessions-table[data-loaded=true]")).isVisible();
        assertThat(page.locator("[data-testid=session-row][data-name=formed]")).hasCount(0);
    }

    @Test
    void aLineEndOfInputAndASignalReachTheSession() {
        steward.run("argv", java.util.List.of("sh", "-c", "while read l; do echo \"read $l\"; done; echo end of input; exec sleep 600"),
                "name", "reader");
        go("#/s/reader/logs");
        assertThat(page.locator("#session-state")).hasText("running");
        page.fill("#send-line", "a line");
        page.click("#action-send");
        assertThat(page.locator("#action-outcome[data-done=ok]")).hasText("send: 7 bytes written");
        assertThat(page.locator("#log-rows")).containsText("read a line");
        page.click("#action-eof");
        assertThat(page.locator("#action-outcome[data-done=ok]")).hasText("eof: stdin closed");
        assertThat(page.locator("#log-rows")).containsText("end of input");
        page.selectOption("#signal-name", "USR1");
        page.click("#action-signal");
        assertThat(page.locator("#action-outcome[data-done=ok]")).hasText("signal: SIGUSR1 sent");
        assertThat(page.locator("#session-state")).hasText("killed USR1");
    }
}
