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
     * {@code <style>} elements whose text it writes at run time (the theme's colours, the cell size
     * of its rows, the scroll bar's look), so no hash or nonce can name them. Tried in Chromium under
     * {@code style-src 'self'}: each is refused with a console error and the terminal's text is drawn
     * near-black on black with no cursor. Setting {@code element.style} from script (uPlot, the log
     * view) is not an inline style and needs nothing. Styles cannot run code; scripts stay {@code 'self'}.
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
