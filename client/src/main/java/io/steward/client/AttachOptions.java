package io.steward.client;

/**
 * How to attach.
 *
 * @param readOnly the daemon never writes this client's input or resizes for it
 * @param steal evict the writer attached now (it gets {@link AttachEvent.Stolen}) instead of being refused;
 *     watchers stay, and a read-only client cannot steal (the daemon refuses both at once)
 * @param cursor replay output from this offset of stdout (or the terminal); 0 for all the ring still holds
 * @param stderrCursor the same for stderr
 */
public record AttachOptions(boolean readOnly, boolean steal, long cursor, long stderrCursor) {
    public static final AttachOptions DEFAULT = new AttachOptions(false, false, 0, 0);

    public AttachOptions {
        if (cursor < 0 || stderrCursor < 0) {
            throw new IllegalArgumentException("cursors are non-negative");
        }
    }

    public static AttachOptions of(boolean readOnly, boolean steal) {
        return new AttachOptions(readOnly, steal, 0, 0);
    }

    String query() {
        StringBuilder q = new StringBuilder();
        if (readOnly) {
            q.append("&readOnly=true");
        }
        if (steal) {
            q.append("&steal=true");
        }
        if (cursor > 0) {
            q.append("&cursor=").append(cursor);
        }
        if (stderrCursor > 0) {
            q.append("&stderrCursor=").append(stderrCursor);
        }
        return q.isEmpty() ? "" : "?" + q.substring(1);
    }
}
