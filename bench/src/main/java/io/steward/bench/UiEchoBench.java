package io.steward.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench/run ui}, the terminal tab: keys typed one at a time into the page's terminal on a
 * session that echoes them (a PTY {@code cat}), each waited for before the next. A key's latency is
 * taken in the browser, from a capturing {@code keydown} listener to the terminal's element saying
 * xterm.js has the echoed bytes in its buffer (its {@code terminal-written} event). {@code WARMUP}
 * keys are not counted, then {@code COUNT} are: {@code ui-echo-p50} and {@code ui-echo-p99}.
 */
final class UiEchoBench {
    /** Times each key to its echo; {@code echoed(n, ms)} waits for the n-th echo. A global only the bench reads. */
    private static final String ECHO_PROBE = """
            (() => {
              const latencies = [];
              const parts = [];
              let typedAt = 0;
              let sentAt = -1;
              let receivedAt = -1;
              let want = -1;
              let waiters = [];
              let extensions = '';
              // where a key's time goes: to the socket's send, to the echo's arrival, to the buffer
              const Native = WebSocket;
              window.WebSocket = class extends Native {
                constructor(...args) {
                  super(...args);
                  this.addEventListener('open', () => { extensions = this.extensions; });
                  this.addEventListener('message', () => { if (want >= 0 && receivedAt < 0) receivedAt = performance.now(); });
                }
                send(data) {
                  if (want >= 0 && sentAt < 0) sentAt = performance.now();
                  super.send(data);
                }
              };
              addEventListener('keydown', (e) => {
                if (e.key.length === 1) { typedAt = performance.now(); want = e.key.charCodeAt(0); sentAt = -1; receivedAt = -1; }
              }, true);
              addEventListener('terminal-written', (e) => {
                if (want < 0 || !e.detail.includes(want)) return;
                const now = performance.now();
                latencies.push(now - typedAt);
                parts.push([sentAt - typedAt, receivedAt - sentAt, now - receivedAt]);
                want = -1;
                waiters = waiters.filter((w) => w());
              }, true);
              window.__benchEcho = {
                latencies: () => latencies.slice(),
                parts: () => parts.slice(),
                extensions: () => extensions,
                echoed: ([n, ms]) => new Promise((resolve, reject) => {
                  const timer = setTimeout(() => reject(new Error(`no echo of key ${n} within ${ms} ms`)), ms);
                  const waiting = () => {
                    if (latencies.length < n) return true;
                    clearTimeout(timer);
                    resolve(latencies.length);
                    return false;
                  };
                  if (waiting()) waiters.push(waiting);
                }),
              };
            })();
            """;

    private UiEchoBench() {}

    static void run(String link, String session, int warmup, int count) {
        try (Playwright pw = Playwright.create(); Browser browser = Chromium.launch(pw);
                BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 760))) {
            context.addInitScript(ECHO_PROBE);
            Page page = context.newPage();
            page.navigate(link);
            page.evaluate("h => { location.hash = h; }", "#/s/" + session + "/terminal");
            page.waitForSelector("#terminal[data-attached=write]", new Page.WaitForSelectorOptions().setTimeout(20_000));
            page.click("#terminal");
            for (int k = 0; k < warmup + count; k++) {
                page.keyboard().press(String.valueOf((char) ('a' + k % 26)));
                // the first echo says the terminal is through to the session: it may take longer
                page.evaluate("a => window.__benchEcho.echoed(a)", List.of(k + 1, k == 0 ? 20_000 : 5_000));
            }
            List<?> all = (List<?>) page.evaluate("() => window.__benchEcho.latencies()");
            double[] ms = all.subList(warmup, warmup + count).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
            Arrays.sort(ms);
            System.out.printf("ui-echo-p50 %.3f ms%nui-echo-p99 %.3f ms%n", percentile(ms, 0.5), percentile(ms, 0.99));
            System.err.println("  ui-echo: the socket's extensions: '" + page.evaluate("() => window.__benchEcho.extensions()")
                    + "'; median of each part: " + parts(page, warmup, count));
            System.err.printf("  ui-echo: %d keys, min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f ms%n", count, ms[0],
                    percentile(ms, 0.5), percentile(ms, 0.9), percentile(ms, 0.99), ms[ms.length - 1]);
        }
    }

    /** The median of each part of the timed keys' latencies: key to send, send to echo received, to the buffer. */
    private static String parts(Page page, int warmup, int count) {
        List<?> all = ((List<?>) page.evaluate("() => window.__benchEcho.parts()")).subList(warmup, warmup + count);
        String[] names = {"keydown to WebSocket send", "send to echo received", "received to xterm's buffer"};
        StringBuilder out = new StringBuilder();
        for (int p = 0; p < names.length; p++) {
            int part = p;
            double[] ms = all.stream().mapToDouble(o -> ((Number) ((List<?>) o).get(part)).doubleValue()).sorted().toArray();
            out.append(p == 0 ? "" : ", ").append(names[p]).append(String.format(" %.1f ms (p99 %.1f)", percentile(ms, 0.5), percentile(ms, 0.99)));
        }
        return out.toString();
    }

    /** The nearest-rank percentile q (0..1] of sorted values, as bench/c/echo-latency.c takes it. */
    static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
