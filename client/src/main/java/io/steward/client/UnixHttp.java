package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a Unix socket, one request per connection: the JDK's HttpClient speaks only TCP,
 * and a CLI that makes one or two calls gains nothing from a pooled client but start-up time.
 */
public final class UnixHttp {
    /** A response: status, lower-cased headers, body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Path socket;

    public UnixHttp(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Sends one request.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     */
    public Response send(String method, String path, String contentType, byte[] body) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new DaemonUnreachableException(socket, e);
        }
        try (ch) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new DaemonUnreachableException(socket, e);
            }
            OutputStream out = Channels.newOutputStream(ch);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The daemon may refuse a body before reading it all (too large) and close: its answer
                // is still there to read.
            }
            return read(Channels.newInputStream(ch));
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "talking to the daemon at " + socket + ": " + e.getMessage(), e);
        }
    }

    static Response read(InputStream in) throws IOException {
        Response head = readHead(in);
        return new Response(head.status(), head.headers(), readBody(in, head.headers()));
    }

    /** The status line and headers, leaving the body unread (after a 101 it is WebSocket frames). */
    static Response readHead(InputStream in) throws IOException {
        String status = line(in);
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            if (c > 0) {
                headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
        }
        return new Response(code, headers, new byte[0]);
    }

    static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return body;
    }

    /** One CRLF-terminated header line, or null at end of stream. */
    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
