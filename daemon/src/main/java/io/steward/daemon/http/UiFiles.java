package io.steward.daemon.http;

import io.steward.ui.UiAsset;
import io.steward.ui.UiAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The page's files as the dashboard serves them: read from the class path and compressed once,
 * then kept in memory with their ETag; a vendored library ({@code vendor/}, whose name changes
 * with its version) may be cached for a year, the rest is checked again on every load.
 */
final class UiFiles {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** One file ready to send: its bytes, gzip-compressed too when that is smaller. */
    record Served(byte[] plain, byte[] gzip, String type, String etag, boolean vendored) {}

    private final Map<String, Served> cache = new ConcurrentHashMap<>();

    /** The file at {@code path} of the page ("index.html", "vendor/xterm.js"), or empty. */
    Optional<Served> find(String path) {
        Served s = cache.get(path);
        if (s != null) {
            return Optional.of(s);
        }
        // Only files found are kept: a stranger's guesses never grow the cache (and need the token anyway).
        Optional<Served> found = UiAssets.find(path).map(UiFiles::prepare);
        found.ifPresent(f -> cache.put(path, f));
        return found;
    }

    /** Answers a GET or HEAD of the file: 304 when the browser has it already. */
    static void send(Request request, Response response, Callback callback, Served file) {
        var headers = response.getHeaders();
        headers.put(HttpHeader.CACHE_CONTROL, file.vendored() ? IMMUTABLE : "no-cache");
        headers.put(HttpHeader.ETAG, file.etag());
        headers.put(HttpHeader.VARY, "Accept-Encoding");
        if (file.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        boolean gzip = file.gzip() != null && acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING));
        byte[] body = gzip ? file.gzip() : file.plain();
        if (gzip) {
            headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        response.setStatus(200);
        headers.put(HttpHeader.CONTENT_TYPE, file.type());
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(body), callback);
    }

    /** {@code gzip} among the codings, not refused with {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.split(";");
            if (parts[0].strip().equals("gzip") || parts[0].strip().equals("*")) {
                return parts.length < 2 || !parts[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }

    private static Served prepare(UiAsset asset) {
        byte[] plain = asset.bytes();
        byte[] gzip = gzip(plain);
        return new Served(plain, gzip.length < plain.length ? gzip : null, asset.contentType(), etag(plain),
                asset.immutable());
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] plain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
