package io.steward.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The dashboard's files, read from this module's resources. */
public final class UiAssets {
    private static final String ROOT = "/io/steward/ui/web/";

    private UiAssets() {}

    /** The file at a path of the page ("index.html", "app.js"), or empty when there is none. */
    public static Optional<UiAsset> find(String path) {
        if (path.isEmpty() || path.contains("..") || path.startsWith("/")) {
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
