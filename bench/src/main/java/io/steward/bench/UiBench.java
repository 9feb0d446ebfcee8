package io.steward.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import java.util.List;

/**
 * {@code bench/run ui}, the sessions page: with {@code SESSIONS} sessions ({@code sleep}, a third
 * labelled {@code web}, a third {@code batch}), the time from a navigation's start to the table
 * holding every session's row, taken in the browser by a MutationObserver the bench installs before
 * the page's own scripts ({@code performance.now()} counts from the navigation's start).
 *
 * <ul>
 *   <li>{@code ui-table-cold}: the first load in a fresh browser context (the token link, its
 *       redirect, every file fetched), and {@code ui-first-load}: the bytes that load moved;
 *   <li>{@code ui-table}: {@code ROUNDS} navigations of a fresh page in one context whose cache
 *       the first load filled: what a person reloading the page sees.
 * </ul>
 */
final class UiBench {
    private static final double TIMEOUT_MS = 30_000;

    /** Records when the table first holds the wanted rows, once, in a global only the bench reads. */
    private static final String TABLE_PROBE = """
            (() => {
              const want = %d;
              const observer = new MutationObserver(() => {
                const body = document.getElementById('sessions-body');
                if (body && body.querySelectorAll('tr[data-id]').length >= want) {
                  window.__benchTableAt = performance.now();
                  observer.disconnect();
                }
              });
              observer.observe(document, { childList: true, subtree: true });
            })();
            """;

    /** Where a load's time went: the document's response, its scripts run, the session list's fetch. */
    private static final String TIMINGS = """
            () => {
              const n = performance.getEntriesByType('navigation')[0];
              const fetched = (path) => performance.getEntriesByType('resource').find((e) => e.name.includes(path));
              const list = fetched('/v1/sessions');
              const beats = fetched('/v1/beats');
              return [n.responseEnd, n.domContentLoadedEventEnd, list ? list.startTime : -1, list ? list.responseEnd : -1,
                beats ? beats.responseEnd : -1];
            }""";

    private UiBench() {}

    static void run(String link, int sessions, int rounds) throws Exception {
        StewardClient c = new StewardClient(StewardHome.fromEnvironment());
        for (int i = 0; i < sessions; i++) {
            String label = i % 3 == 0 ? "web" : i % 3 == 1 ? "batch" : null;
            c.sessions().run(RunRequestBody.fromJson(label == null
                    ? Json.object("name", "ui-" + i, "argv", List.of("sleep", "3600"))
                    : Json.object("name", "ui-" + i, "argv", List.of("sleep", "3600"), "label", label)));
        }
        String probe = TABLE_PROBE.formatted(sessions);
        try (Playwright pw = Playwright.create(); Browser browser = Chromium.launch(pw)) {
            cold(browser, link, probe);
            warm(browser, link, probe, rounds);
        } finally {
            for (int i = 0; i < sessions; i++) {
                c.sessions().kill("ui-" + i);
            }
        }
    }

    private static BrowserContext context(Browser browser, String probe) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 760));
        context.addInitScript(probe);
        return context;
    }

    private static void cold(Browser browser, String link, String probe) {
        try (BrowserContext context = context(browser, probe)) {
            Page page = context.newPage();
            TransferCounter bytes = TransferCounter.watch(page);
            page.navigate(link);
            double ms = tableAt(page);
            System.err.println("  cold load: " + timings(page));
            System.out.printf("ui-table-cold %.1f ms%n", ms);
            bytes.awaitQuiet(page, 500, 10_000);
            long total = 0;
            for (TransferCounter.Transfer t : bytes.transfers()) {
                total += t.total();
                System.err.printf("  %8d bytes (%d received, %d of headers sent)  %s%n", t.total(), t.received(), t.sent(),
                        t.url());
            }
            System.out.println("ui-first-load " + total + " bytes");
        }
    }

    private static void warm(Browser browser, String link, String probe, int rounds) {
        try (BrowserContext context = context(browser, probe)) {
            Page first = context.newPage();
            first.navigate(link); // the token's cookie, and the files into the cache; not timed
            tableAt(first);
            first.close();
            String url = Chromium.withoutToken(link);
            for (int r = 1; r <= rounds; r++) {
                Page page = context.newPage();
                page.navigate(url);
                double ms = tableAt(page);
                System.err.println("  round " + r + ": " + timings(page));
                System.out.printf("ui-table %.1f ms%n", ms);
                page.close();
            }
        }
    }

    private static double tableAt(Page page) {
        page.waitForFunction("() => window.__benchTableAt !== undefined", null,
                new Page.WaitForFunctionOptions().setTimeout(TIMEOUT_MS));
        return ((Number) page.evaluate("() => window.__benchTableAt")).doubleValue();
    }

    private static String timings(Page page) {
        List<?> t = (List<?>) page.evaluate(TIMINGS);
        return String.format("table at %.1f ms; document received %.1f, DOMContentLoaded %.1f, session list fetched %.1f"
                        + " to %.1f, heartbeats to %.1f ms",
                ((Number) page.evaluate("() => window.__benchTableAt")).doubleValue(), num(t.get(0)), num(t.get(1)),
                num(t.get(2)), num(t.get(3)), num(t.get(4)));
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
