package io.steward.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes a page's load moves, from Chromium's own network events (CDP): for every request the
 * bytes received as they crossed the wire (response headers and the body as sent, compressed when
 * it was) and the request's headers sent; a redirect counts as a request of its own, and a stream
 * still open (the event stream) counts what it received so far.
 */
final class TransferCounter {
    /** One request: its address, the bytes received, the bytes of its headers sent. */
    record Transfer(String url, long received, long sent) {
        long total() {
            return received + sent;
        }
    }

    private final Map<String, String> urls = new HashMap<>();
    private final Map<String, Long> sent = new HashMap<>();
    private final Map<String, Long> open = new HashMap<>();
    private final List<Transfer> done = new ArrayList<>();
    private long lastEvent = System.nanoTime();

    /** Starts counting the requests of {@code page}; call before it navigates. */
    static TransferCounter watch(Page page) {
        TransferCounter t = new TransferCounter();
        CDPSession cdp = page.context().newCDPSession(page);
        cdp.on("Network.requestWillBeSent", t::willBeSent);
        cdp.on("Network.requestWillBeSentExtraInfo", t::headersSent);
        cdp.on("Network.responseReceived", t::responseReceived);
        cdp.on("Network.dataReceived", t::dataReceived);
        cdp.on("Network.loadingFinished", t::finished);
        cdp.send("Network.enable");
        return t;
    }

    private synchronized void willBeSent(JsonObject e) {
        lastEvent = System.nanoTime();
        String id = e.get("requestId").getAsString();
        JsonElement redirect = e.get("redirectResponse");
        if (redirect != null && redirect.isJsonObject()) {
            long bytes = redirect.getAsJsonObject().get("encodedDataLength").getAsLong();
            done.add(new Transfer(hidden(urls.get(id)) + " (redirect)", bytes, sent.getOrDefault(id, 0L)));
            sent.remove(id);
        }
        urls.put(id, e.getAsJsonObject("request").get("url").getAsString());
    }

    /** The request line and headers as sent: what HTTP/1.1 puts on the wire for them. */
    private synchronized void headersSent(JsonObject e) {
        lastEvent = System.nanoTime();
        String id = e.get("requestId").getAsString();
        long bytes = 2; // the empty line that ends them
        for (Map.Entry<String, JsonElement> h : e.getAsJsonObject("headers").entrySet()) {
            bytes += h.getKey().length() + 2 + h.getValue().getAsString().length() + 2;
        }
        String url = urls.getOrDefault(id, "/");
        String path = url.replaceFirst("^[a-z]+://[^/]*", "");
        bytes += "GET ".length() + path.length() + " HTTP/1.1\r\n".length();
        sent.merge(id, bytes, Long::sum);
    }

    private synchronized void responseReceived(JsonObject e) {
        lastEvent = System.nanoTime();
        open.put(e.get("requestId").getAsString(), e.getAsJsonObject("response").get("encodedDataLength").getAsLong());
    }

    private synchronized void dataReceived(JsonObject e) {
        lastEvent = System.nanoTime();
        open.merge(e.get("requestId").getAsString(), e.get("encodedDataLength").getAsLong(), Long::sum);
    }

    private synchronized void finished(JsonObject e) {
        lastEvent = System.nanoTime();
        String id = e.get("requestId").getAsString();
        open.remove(id);
        done.add(new Transfer(hidden(urls.get(id)), e.get("encodedDataLength").getAsLong(), sent.getOrDefault(id, 0L)));
        sent.remove(id);
    }

    /** The address without the token's value, which is no figure to print. */
    private static String hidden(String url) {
        return url == null ? "?" : url.replaceFirst("([?&]token=)[^&]*", "$1...");
    }

    /** Lets the page run until no network event came for {@code quietMs}, up to {@code timeoutMs}. */
    void awaitQuiet(Page page, long quietMs, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (System.nanoTime() - lastEvent > quietMs * 1_000_000) {
                    return;
                }
            }
            page.waitForTimeout(50); // lets Playwright deliver the events meanwhile
        }
    }

    /** Every request so far, the biggest first; an open one as "(open)" with what it received yet. */
    synchronized List<Transfer> transfers() {
        List<Transfer> all = new ArrayList<>(done);
        open.forEach((id, bytes) -> all.add(new Transfer(hidden(urls.get(id)) + " (open)", bytes, sent.getOrDefault(id, 0L))));
        all.sort(Comparator.comparingLong(Transfer::total).reversed());
        return all;
    }
}
