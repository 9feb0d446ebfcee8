package io.steward.daemon.http;

import io.steward.api.ErrorBody;
import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Request bodies and responses: JSON, raw bytes, and problems ({@code application/problem+json}). */
final class Http {
    static final int MAX_BODY = 4 * 1024 * 1024;

    private Http() {}

    static int status(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> 404;
            case INVALID_INPUT -> 400;
            case ALREADY_ATTACHED, CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case QUOTA -> 429;
            case CLOSED -> 410;
            case UNSUPPORTED -> 501;
            case FORBIDDEN -> 403;
            case NOT_READY -> 424;
            case METHOD_NOT_ALLOWED -> 405;
            case DISK_FULL -> 507;
            case CORRUPT -> 422;
            case UPGRADING -> 503;
            case INTERNAL -> 500;
        };
    }

    /** An answer: a record's {@code toJson()}. */
    static void json(Response response, int status, Map<String, Object> body, Callback callback) {
        send(response, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8), callback);
    }

    static void problem(Response response, StewardException e, Callback callback) {
        problem(response, status(e.code()), e.code(), e.getMessage(), callback);
    }

    static void problem(Response response, int status, ErrorCode code, String detail, Callback callback) {
        ErrorBody p = new ErrorBody("https://steward.dev/problems/" + code.wire(), code.wire(), status, code, detail);
        send(response, status, "application/problem+json", Json.write(p.toJson()).getBytes(StandardCharsets.UTF_8),
                callback);
    }

    /** The query parameters; a malformed query string (bad %-escape, invalid UTF-8) is invalid input, not a crash. */
    static org.eclipse.jetty.util.Fields query(Request request) {
        try {
            return Request.extractQueryParameters(request);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "malformed query string: " + e.getMessage());
        }
    }

    /**
     * Errors Jetty raises before routing (bad paths, over-long URIs or headers, bad methods) as
     * problem documents too, so every error a client sees has the same shape.
     */
    static final class ProblemErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) {
            ErrorCode c = code == 404 ? ErrorCode.NOT_FOUND
                    : code == 405 ? ErrorCode.METHOD_NOT_ALLOWED
                    : code == 413 || code == 414 || code == 431 ? ErrorCode.TOO_LARGE
                    : code >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT;
            problem(response, code, c, message != null ? message : "HTTP " + code, callback);
        }
    }

    static void send(Response response, int status, String type, byte[] body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * The whole body, refused beyond {@code max} bytes without reading the rest: the declared
     * length is checked first, then the bytes as they arrive, so memory stays flat.
     */
    static byte[] body(Request request, int max) {
        long declared = request.getLength();
        if (declared > max) {
            throw tooLarge(declared, max);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                throw tooLarge(data.length, max);
            }
            return data;
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "cannot read request body: " + e.getMessage());
        }
    }

    private static StewardException tooLarge(long size, int max) {
        return new StewardException(ErrorCode.TOO_LARGE, "request body of " + (size > max ? "more than " + max : size)
                + " bytes exceeds the limit of " + max);
    }

    /** The body as a JSON object; an empty body is an empty object. */
    static Map<String, Object> jsonBody(Request request) {
        byte[] raw = body(request, MAX_BODY);
        if (raw.length == 0) {
            return Map.of();
        }
        return Json.parseObject(utf8(raw));
    }

    /**
     * {@code raw} decoded strictly: JSON is UTF-8 (RFC 8259), and a malformed sequence is refused
     * rather than replaced with U+FFFD, which would otherwise reach a child as an argument, a
     * variable or a path it was never given.
     */
    static String utf8(byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            String field = Json.fieldAt(new String(raw, 0, at, StandardCharsets.UTF_8));
            throw new StewardException(ErrorCode.INVALID_INPUT, (field != null ? field + ": " : "")
                    + "not valid UTF-8 (byte " + at + " of the request body)");
        }
    }
}
