package io.steward.ui;

import java.util.Locale;

/** One file of the dashboard: its path under the page's root and its bytes. */
public record UiAsset(String path, byte[] bytes) {

    /** The media type to serve it with, from its extension; text types say UTF-8. */
    public String contentType() {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            default -> name.equals("license") ? "text/plain; charset=utf-8" : "application/octet-stream";
        };
    }

    /**
     * Whether its name carries its version (the vendored libraries, under {@code vendor/<name>-<version>/}),
     * so it may be cached for long: a new version has a new path.
     */
    public boolean immutable() {
        return path.startsWith("vendor/");
    }
}
