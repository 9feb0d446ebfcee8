package io.steward.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One browser for the test class; for each test a daemon of its own (in its own home) and a fresh
 * browser context that has opened the page through the daemon's token link. Errors the page throws
 * or the Content-Security-Policy refuses fail the test.
 */
abstract class DashboardTest {
    static final Path SCREENSHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    static final Path DOCS = Path.of(System.getProperty("docs.dir", "../docs"));

    private static Playwright playwright;
    static Browser browser;

    // The next test's daemon starts while the one before runs (in this class or the one before), and
    // a finished test's daemon stops while the next runs: a daemon takes seconds to start and stop, a
    // test's browser work about as long. The one started for no test is stopped as the JVM ends.
    private static final Path HOMES = temporaryDirectory();
    private static final AtomicInteger started = new AtomicInteger();
    private static final List<CompletableFuture<Void>> stopping = new ArrayList<>();
    private static CompletableFuture<Steward> next;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (next != null) {
                stop(next.join());
            }
            removeTree(HOMES);
        }, "steward-e2e-stop"));
    }

    Steward steward;
    BrowserContext context;
    Page page;
    final List<String> pageErrors = new ArrayList<>();

    @BeforeAll
    static void launchBrowser() {
        Browsers.requireChromium();
        playwright = Playwright.create();
        browser = Browsers.launch(playwright);
        if (next == null) {
            next = startDaemon();
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("steward-e2e");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Best effort: what a stopped daemon left in its home (logs, state) goes with it. */
    private static void removeTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system clears it in the end
        }
    }

    private static CompletableFuture<Steward> startDaemon() {
        Path home = HOMES.resolve("home-" + started.incrementAndGet());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Steward.start(home);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        stopping.clear();
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openDashboard() throws Exception {
        steward = next.join();
        next = startDaemon();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 760));
        context.setDefaultTimeout(10_000);
        page = context.newPage();
        page.onPageError(e -> pageErrors.add("page error: " + e));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                pageErrors.add("console: " + m.text());
            }
        });
        page.navigate(steward.link);
    }

    @AfterEach
    void closeDashboard() throws Exception {
        try {
            // an exception the page did not catch, or anything the served Content-Security-Policy refused
            List<String> failed = pageErrors.stream()
                    .filter(e -> e.startsWith("page error") || e.contains("Content Security Policy")).toList();
            if (!failed.isEmpty()) {
                throw new AssertionError("the page failed: " + failed);
            }
        } finally {
            closeAll();
        }
    }

    private void closeAll() throws Exception {
        try {
            if (context != null) {
                context.close();
            }
        } finally {
            if (steward != null) {
                Steward done = steward;
                stopping.add(CompletableFuture.runAsync(() -> stop(done)));
            }
        }
    }

    private static void stop(Steward s) {
        try {
            s.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            removeTree(s.home);
        }
    }

    /** Goes to a route of the page (#/sessions, #/s/NAME/logs, ...) without reloading it. */
    void go(String hash) {
        page.evaluate("h => { location.hash = h; }", hash);
    }

    /** Saves a screenshot of the page as a test artifact, and answers its path. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file));
        return file;
    }

    /** Refreshes the README's picture from a screenshot this run took. */
    static void publish(Path screenshot, String docName) throws IOException {
        if (Files.isDirectory(DOCS)) {
            Files.copy(screenshot, DOCS.resolve(docName), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
