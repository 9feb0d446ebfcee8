package io.steward.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The system's Chromium (Debian's {@code chromium} package), headless, driven by Playwright; Playwright's
 * own browsers are never downloaded. Without it the tests are skipped, except in CI, which installs it.
 */
final class Browsers {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("STEWARD_CHROMIUM", "/usr/bin/chromium"));

    private Browsers() {}

    /** Skips the calling test class when there is no Chromium here and this is not CI (where it must be). */
    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no Chromium at " + CHROMIUM + ": CI installs the chromium package (.ci/run)");
        }
        Assumptions.assumeTrue(present, "no Chromium at " + CHROMIUM + " (apt-get install chromium, or set STEWARD_CHROMIUM)");
    }

    static Browser launch(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                // the daemon's page is on loopback: nothing here needs a sandbox for a site of the web, and
                // a container's root cannot have one
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")));
    }
}
