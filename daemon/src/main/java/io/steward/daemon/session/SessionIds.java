package io.steward.daemon.session;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session ids: 130 random bits as 26 lower-case base32 characters, unguessable. The registry is
 * keyed by an HMAC of the id under a key that lives only in this daemon's memory, so neither a
 * dump of the registry nor the audit log (which shows a prefix of that hash) gives an id away.
 */
public final class SessionIds {
    /** Characters of an audit tag, which also names a session's sockets. */
    public static final int AUDIT_TAG_LENGTH = 12;

    static final int LENGTH = 26;
    static final int MIN_PREFIX = 6;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern ID_CHARS = Pattern.compile("[a-z2-7]{" + MIN_PREFIX + "," + LENGTH + "}");

    private volatile java.util.random.RandomGenerator random;
    private final SecretKeySpec key;

    public SessionIds() {
        this(new SecureRandom());
    }

    /** Ids drawn from {@code idBits}; the key is always from SecureRandom. */
    public SessionIds(java.util.random.RandomGenerator idBits) {
        this(idBits, newKey());
    }

    /**
     * Ids keyed by {@code key}, the one a daemon before this one used: every session keeps its key
     * and tag. Its random source is made at the first new id, not here: a daemon taking over is
     * waited on, and seeding one costs a tenth of a second.
     */
    public SessionIds(byte[] key) {
        this(null, key);
    }

    private SessionIds(java.util.random.RandomGenerator idBits, byte[] key) {
        this.random = idBits;
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    private java.util.random.RandomGenerator random() {
        java.util.random.RandomGenerator r = random;
        if (r == null) {
            synchronized (this) {
                if (random == null) {
                    random = new SecureRandom();
                }
                r = random;
            }
        }
        return r;
    }

    private static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** The key, for a daemon that takes over. */
    public byte[] keyBytes() {
        return key.getEncoded();
    }

    public String newId() {
        byte[] b = new byte[17];
        random().nextBytes(b);
        char[] out = new char[LENGTH];
        long acc = 0;
        int bits = 0;
        int j = 0;
        for (int i = 0; i < b.length && j < LENGTH; i++) {
            acc = (acc << 8) | (b[i] & 0xff);
            bits += 8;
            while (bits >= 5 && j < LENGTH) {
                out[j++] = ALPHABET[(int) (acc >>> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        return new String(out);
    }

    /** The registry key of an id. */
    public String key(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** What the audit log shows of an id: a prefix of its keyed hash. */
    public String auditTag(String id) {
        return key(id).substring(0, AUDIT_TAG_LENGTH);
    }

    static boolean isFullId(String ref) {
        return ref.length() == LENGTH && ID_CHARS.matcher(ref).matches();
    }

    static boolean couldBePrefix(String ref) {
        return ID_CHARS.matcher(ref).matches();
    }
}
