package io.steward.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.Locator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TerminalTest extends DashboardTest {
    private static final Pattern SIZE = Pattern.compile("^size (\\d+) (\\d+)", Pattern.MULTILINE);

    /** What the terminal shows now: the rows xterm.js drew from its buffer. */
    private Locator screen() {
        return page.locator("#terminal .xterm-rows");
    }

    /** Types a command into the terminal as a person would, then Enter. */
    private void type(String line) {
        page.locator("#terminal").click();
        page.keyboard().type(line);
        page.keyboard().press("Enter");
    }

    /** The last {@code size ROWS COLS} the session printed, waited for until it is {@code expected}. */
    private String waitForSize(String expected) {
        assertThat(screen()).containsText("size " + expected);
        Matcher m = SIZE.matcher(screen().innerText().replace('\u00a0', ' '));
        String last = null;
        while (m.find()) {
            last = m.group(1) + " " + m.group(2);
        }
        return last;
    }

    @Test
    void typingRunsInTheSessionAndTheWindowsSizeFollowsTheBrowser() throws Exception {
        steward.run("argv", List.of("bash", "--norc", "--noprofile"), "name", "shell", "pty", true, "env", java.util.Map.of("PS1", "$ "));
        go("#/s/shell/terminal");
        assertThat(page.locator("#terminal[data-attached=write]")).isVisible();

        type("echo hi-$((6*7))");
        assertThat(screen()).containsText("hi-42");

        String before = page.locator("#terminal").getAttribute("data-size").replace('x', ' ');
        type("echo size $(stty size)");
        assertEquals(before, waitForSize(before));
        screenshot("terminal");

        page.setViewportSize(900, 520);
        assertThat(page.locator("#terminal")).not().hasAttribute("data-size", before.replace(' ', 'x'));
        String after = page.locator("#terminal").getAttribute("data-size").replace('x', ' ');
        assertNotEquals(before, after);
        type("clear; echo size $(stty size)");
        assertEquals(after, waitForSize(after));
    }

    @Test
    void aWatcherSeesTheOutputButCannotTypeAndStealTakesTheTerminal() throws Exception {
        steward.run("argv", List.of("bash", "--norc", "--noprofile"), "name", "shell", "pty", true, "env", java.util.Map.of("PS1", "$ "));
        go("#/s/shell/terminal");
        assertThat(page.locator("#terminal[data-attached=write]")).isVisible();

        page.selectOption("#term-mode", "watch");
        assertThat(page.locator("#terminal[data-attached=watch]")).isVisible();
        steward.client.sessions().send("shell", "echo from-$((2+3))-elsewhere\n".getBytes(), false);
        assertThat(screen()).containsText("from-5-elsewhere");
        page.locator("#terminal").click();
        page.keyboard().type("echo typed-by-a-watcher");
        page.keyboard().press("Enter");
        steward.client.sessions().send("shell", "echo after-$((1+1))\n".getBytes(), false);
        assertThat(screen()).containsText("after-2");
        assertThat(screen()).not().containsText("typed-by-a-watcher");

        // another writer holds it: the page is refused until it steals
        try (var other = steward.client.attach("shell", io.steward.client.AttachOptions.of(false, false))) {
            page.selectOption("#term-mode", "write");
            assertThat(page.locator("#term-status")).containsText("refused");
            page.click("#term-steal");
            assertThat(page.locator("#terminal[data-attached=write]")).isVisible();
            type("echo stolen-$((3*3))");
            assertThat(screen()).containsText("stolen-9");
        }
    }
}
