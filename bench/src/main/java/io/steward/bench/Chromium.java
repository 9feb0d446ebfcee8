package io.steward.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The system's Chromium (Debian's {@code chromium}, or {@code STEWARD_CHROMIUM}), headless, as the
 * dashboard's tests drive it; Playwright's own browsers are never downloaded (bench/run exports
 * {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}).
 */
final class Chromium {
    static final Path EXECUTABLE = Path.of(System.getenv().getOrDefault("STEWARD_CHROMIUM", "/usr/bin/chromium"));

    private Chromium() {}

    static Browser launch(Playwright playwright) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("no Chromium at " + EXECUTABLE + " (apt-get install chromium, or set STEWARD_CHROMIUM)");
        }
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                // the page is the daemon's, on loopback; a container's root cannot have a sandbox
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")));
    }

    /** The page's address without the token of {@code link} (the cookie a first load set stands for it). */
    static String withoutToken(String link) {
        int query = link.indexOf('?');
        return query < 0 ? link : link.substring(0, query);
    }
}
