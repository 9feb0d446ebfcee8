package io.steward.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the OCI spelling {@code sha256:<64 lowercase hex>}. */
final class Digests {
    static final String PREFIX = "sha256:";
    static final int HEX_LENGTH = 64;

    private Digests() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String of(MessageDigest finished) {
        return PREFIX + HexFormat.of().formatHex(finished.digest());
    }

    static String of(byte[] bytes) {
        MessageDigest md = sha256();
        md.update(bytes);
        return of(md);
    }

    static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a well-formed {@code sha256:<64 hex>}: the only names a blob file may have. */
    static boolean isDigest(String s) {
        return s != null && s.startsWith(PREFIX) && s.length() == PREFIX.length() + HEX_LENGTH
                && isHex(s.substring(PREFIX.length()));
    }

    static String hex(String digest) {
        return digest.substring(PREFIX.length());
    }
}
