package io.steward.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The dashboard's files, read from this module's resources. */
public final class UiAssets {
    private static final String ROOT = "/io/steward/ui/web/";

    /**
     * The policy the page is served with: scripts, styles, fetches, event streams and the attach
     * WebSocket from the page's own origin only ({@code 'self'} covers ws: of the same host and
     * port), no inline script, no plugins, no framing, no base or form elsewhere.
     * <p>
     * {@code style-src} needs {@code 'unsafe-inline'}: xterm.js 6's DOM renderer injects
     * {@code <style>} elements of its own (the theme's colours, the cell size of each row, the
     * scroll bar's look) and sets a {@code style} attribute on selections; without it those are
     * refused and the terminal draws its rows with no colours and the wrong height. Styles cannot
     * run code, so scripts stay {@code 'self'} only.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private UiAssets() {}

    /** The file at a path of the page ("index.html", "app.js"), or empty when there is none. */
    public static Optional<UiAsset> find(String path) {
        if (path.isEmpty() || path.contains("..") || path.startsWith("/") || path.contains("\\") || path.endsWith("/")) {
            return Optional.empty();
        }
        try (InputStream in = UiAssets.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new UiAsset(path, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
