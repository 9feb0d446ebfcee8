package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.util.ArrayList;
import java.util.List;

/** Tags, and the ways a checkpoint is named: full digest, unique digest prefix, or tag. */
final class Refs {
    static final int MIN_PREFIX = 7;
    static final int MAX_TAG = 128;

    private Refs() {}

    /**
     * A tag is 1–128 of {@code [A-Za-z0-9._-]}, not starting with {@code .} or {@code -}; and not 7
     * or more hex digits, which would read as a digest prefix.
     */
    static void checkTag(String tag) {
        if (tag.isEmpty() || tag.length() > MAX_TAG) {
            throw badTag(tag, "a tag is 1 to " + MAX_TAG + " characters");
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw badTag(tag, "a tag has only letters, digits, '.', '_' and '-'");
            }
        }
        if (tag.charAt(0) == '.' || tag.charAt(0) == '-') {
            throw badTag(tag, "a tag does not start with '.' or '-'");
        }
        if (tag.length() >= MIN_PREFIX && Digests.isHex(tag.toLowerCase(java.util.Locale.ROOT))) {
            throw badTag(tag, "it would read as a digest prefix");
        }
    }

    private static StewardException badTag(String tag, String why) {
        String shown = tag.length() > 40 ? tag.substring(0, 40) + "…" : tag;
        return new StewardException(ErrorCode.INVALID_INPUT, "invalid checkpoint tag '" + shown.replaceAll("\\p{Cntrl}", "?") + "': " + why);
    }

    /** The entry {@code ref} names among {@code entries}. */
    static IndexFile.Entry resolve(String ref, List<IndexFile.Entry> entries) {
        if (ref == null || ref.isEmpty()) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "no checkpoint named: give a digest, a digest prefix or a tag");
        }
        String hex = ref.startsWith(Digests.PREFIX) ? ref.substring(Digests.PREFIX.length()) : ref;
        boolean digestLike = hex.length() >= MIN_PREFIX && hex.length() <= Digests.HEX_LENGTH && Digests.isHex(hex);
        if (digestLike) {
            List<IndexFile.Entry> found = new ArrayList<>();
            for (IndexFile.Entry e : entries) {
                if (Digests.hex(e.digest()).startsWith(hex)) {
                    found.add(e);
                }
            }
            if (found.size() == 1) {
                return found.getFirst();
            }
            if (found.size() > 1) {
                List<String> names = found.stream().map(e -> Digests.hex(e.digest()).substring(0, 16)).toList();
                throw new StewardException(ErrorCode.INVALID_INPUT, "checkpoint prefix '" + ref + "' is ambiguous: it matches "
                        + String.join(", ", names) + "; give more digits");
            }
        } else if (ref.startsWith(Digests.PREFIX)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "'" + ref + "' is not a digest: sha256: takes "
                    + MIN_PREFIX + " to " + Digests.HEX_LENGTH + " lowercase hex digits");
        } else {
            for (IndexFile.Entry e : entries) {
                if (ref.equals(e.tag())) {
                    return e;
                }
            }
        }
        throw new StewardException(ErrorCode.NOT_FOUND, "no checkpoint '" + ref + "'"
                + (!digestLike && Digests.isHex(hex) ? " (a digest prefix needs at least " + MIN_PREFIX + " hex digits)" : ""));
    }
}
