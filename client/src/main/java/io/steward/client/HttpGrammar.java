package io.steward.client;

import java.util.Map;

/**
 * The pieces of an HTTP/1.1 response that are parsed from one line or one field: status line,
 * field name, chunk size, content-length and the framing they decide. Each refuses what the grammar
 * does not allow with a {@link ProtocolException}, never a {@link NumberFormatException}.
 */
final class HttpGrammar {
    private HttpGrammar() {}

    /** The code of {@code HTTP/1.x NNN[ reason]}, 100 to 599. */
    static int statusCode(String line, String peer) {
        boolean ok = line.length() >= 12 && line.startsWith("HTTP/1.") && (line.charAt(7) == '0' || line.charAt(7) == '1')
                && line.charAt(8) == ' ' && line.charAt(9) >= '1' && line.charAt(9) <= '5' && digit(line.charAt(10))
                && digit(line.charAt(11)) && (line.length() == 12 || line.charAt(12) == ' ');
        if (!ok) {
            throw new ProtocolException(peer, "a status line such as \"HTTP/1.1 200 OK\"", ProtocolException.quote(line));
        }
        return (line.charAt(9) - '0') * 100 + (line.charAt(10) - '0') * 10 + line.charAt(11) - '0';
    }

    /**
     * Where the colon of {@code name: value} is. The name must be a token right before it: a space
     * there, or a line that starts with one (the obsolete folding), is refused.
     */
    static int fieldColon(String line, String what, String peer) {
        int colon = line.indexOf(':');
        for (int i = 0; i < colon; i++) {
            if (!tokenChar(line.charAt(i))) {
                colon = -1;
            }
        }
        if (colon <= 0) {
            throw new ProtocolException(peer, what + " \"name: value\"", ProtocolException.quote(line));
        }
        return colon;
    }

    /** {@code line} from {@code from} on, without the spaces and tabs around it. */
    static String stripWhitespace(String line, int from) {
        int start = from;
        int end = line.length();
        while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(start, end);
    }

    /**
     * How the body of a response with {@code status} and {@code headers} ends (RFC 9112 section
     * 6.3). A transfer coding other than plain {@code chunked} is refused (nothing here could undo
     * it), and so is a transfer-encoding together with a content-length, which the RFC says ought
     * to be handled as an error.
     */
    static Http1ResponseCodec.Framing framing(int status, Map<String, String> headers, String peer) {
        if (status < 200 || status == 204 || status == 304) {
            return new Http1ResponseCodec.Framing.Empty();
        }
        String coding = headers.get("transfer-encoding");
        String length = headers.get("content-length");
        if (coding != null) {
            if (length != null) {
                throw new ProtocolException(peer, "a transfer-encoding or a content-length",
                        "both (" + ProtocolException.quote(coding) + " and " + ProtocolException.quote(length) + ")");
            }
            if (!coding.equalsIgnoreCase("chunked")) {
                throw new ProtocolException(peer, "transfer-encoding \"chunked\"", ProtocolException.quote(coding));
            }
            return new Http1ResponseCodec.Framing.Chunked();
        }
        if (length != null) {
            return new Http1ResponseCodec.Framing.FixedLength(contentLength(length, peer));
        }
        return new Http1ResponseCodec.Framing.UntilClose();
    }

    /** A content-length: decimal digits only (so not two values joined), below 2^63. */
    static long contentLength(String value, String peer) {
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!digit(c) || n > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw new ProtocolException(peer, "a content-length of decimal digits below 2^63",
                        ProtocolException.quote(value));
            }
            n = n * 10 + (c - '0');
        }
        if (value.isEmpty()) {
            throw new ProtocolException(peer, "a content-length of decimal digits below 2^63", "an empty one");
        }
        return n;
    }

    /** The size of {@code hex[ ;extensions]}, below 2^63; the extensions are ignored. */
    static long chunkSize(String line, String peer) {
        long size = 0;
        int i = 0;
        for (int d; i < line.length() && (d = Character.digit(line.charAt(i), 16)) >= 0 && line.charAt(i) < 0x80; i++) {
            if (size > Long.MAX_VALUE >> 4) {
                throw new ProtocolException(peer, "a chunk size below 2^63", ProtocolException.quote(line));
            }
            size = size << 4 | d;
        }
        int rest = i;
        while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
            rest++;
        }
        if (i == 0 || rest < line.length() && line.charAt(rest) != ';') {
            throw new ProtocolException(peer, "a chunk size in hex, then optional extensions", ProtocolException.quote(line));
        }
        return size;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean tokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
