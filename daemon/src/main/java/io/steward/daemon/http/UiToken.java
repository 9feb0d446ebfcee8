package io.steward.daemon.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** The dashboard's secret: 32 random bytes per daemon, and the checks of what a request presents. */
record UiToken(String value) {
    static final String COOKIE = "steward_token";
    static final String QUERY = "token";

    static UiToken random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new UiToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Compared in constant time: how long a wrong guess takes says nothing about the token. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** True when one of the {@code Cookie} headers carries the token. */
    boolean inCookies(List<String> headers) {
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(COOKIE) && matches(pair.substring(eq + 1).strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True for {@code Authorization: Bearer TOKEN}, what a script sends. */
    boolean inAuthorization(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).strip());
    }

    /** The {@code Set-Cookie} value the first load gets: the browser sends it back to this origin only. */
    String cookie() {
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /** Never the secret itself, should a token ever be logged. */
    @Override
    public String toString() {
        return "UiToken[hidden]";
    }
}
