package io.steward.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UiAssetsTest {
    // static imports, and the views' modules app.js loads when first shown
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s[^;(]*?from\\s+'(\\./[^']+)'|\\bimport\\(\\s*'(\\./[^']+)'\\s*\\)");
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"ui/([^\"]+)\"");

    private static String text(String path) {
        return new String(UiAssets.find(path).orElseThrow(() -> new AssertionError("no " + path)).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void everyFileThePageLoadsIsThere() {
        // from index.html's links, then every module's relative imports, as the browser follows them
        Deque<String> todo = new ArrayDeque<>();
        Matcher links = LINK.matcher(text("index.html"));
        while (links.find()) {
            todo.add(links.group(1));
        }
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path) || !path.endsWith(".js")) {
                assertTrue(UiAssets.find(path).isPresent(), path);
                continue;
            }
            String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
            Matcher imports = IMPORT.matcher(text(path));
            while (imports.find()) {
                String found = imports.group(1) != null ? imports.group(1) : imports.group(2);
                todo.add(dir + found.substring(2));
            }
        }
        assertTrue(seen.contains("app.js") && seen.contains("vendor/xterm-6.0.0/xterm.mjs") && seen.contains("vendor/uplot-1.6.32/uPlot.esm.js"), seen.toString());
    }

    @Test
    void noScriptIsInlineAndNothingComesFromAnotherHost() {
        String index = text("index.html");
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(index).find(), "an inline script in index.html");
        assertFalse(index.contains("http:") || index.contains("https:") || index.contains("//cdn"), "a link to another host");
        assertTrue(UiAssets.CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
        assertFalse(UiAssets.CONTENT_SECURITY_POLICY.contains("unsafe-eval"));
    }

    @Test
    void typesByExtensionAndTheVendoredFilesAreImmutable() {
        assertEquals("text/html; charset=utf-8", UiAssets.find("index.html").orElseThrow().contentType());
        UiAsset xterm = UiAssets.find("vendor/xterm-6.0.0/xterm.mjs").orElseThrow();
        assertEquals("text/javascript; charset=utf-8", xterm.contentType());
        assertTrue(xterm.immutable());
        assertEquals("text/css; charset=utf-8", UiAssets.find("style.css").orElseThrow().contentType());
        assertFalse(UiAssets.find("app.js").orElseThrow().immutable());
        assertEquals("text/plain; charset=utf-8", UiAssets.find("vendor/xterm-6.0.0/LICENSE").orElseThrow().contentType());
    }

    @Test
    void pathsOutsideThePageFindNothing() {
        for (String path : new String[] {"", "/index.html", "../UiAssets.class", "vendor/../index.html", "vendor/", "vendor\\x", "nope.js"}) {
            assertTrue(UiAssets.find(path).isEmpty(), path);
        }
    }
}
