package io.steward.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads what one {@code read} of a fanotify fd returned: events of {@code event_len} bytes, each a
 * {@code fanotify_event_metadata} (24 bytes: len, version, metadata_len, the 64-bit mask at 8, fd
 * at 16, pid at 20) followed by info records ({@code fanotify_event_info_header}: type, pad, len).
 * With {@code FAN_REPORT_DFID_NAME} a record is the directory's {@code fsid} (8 bytes) and
 * {@code struct file_handle} (handle_bytes, handle_type, f_handle) then the entry's NUL-terminated
 * name; {@code FAN_RENAME} carries an old and a new such record in one event.
 */
public final class FanotifyDecoder {
    static final int METADATA_VERSION = 3;
    static final long METADATA_LEN = 24;
    static final int INFO_DFID_NAME = 2;
    static final int INFO_DFID = 3;
    static final int INFO_OLD_DFID_NAME = 10;
    static final int INFO_NEW_DFID_NAME = 12;
    /** Header (4) and fsid (8) come before the file handle in a record. */
    static final long HANDLE_OFFSET = 12;
    static final long HANDLE_HEADER = 8;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /**
     * One event's fields as the decoder finds them; reused from event to event, so a sink copies
     * what it keeps. A directory is given as the offset and length, in the decoded buffer, of its
     * {@code fsid} plus {@code file_handle}: those bytes identify it and open it again.
     */
    public static final class Event {
        public long mask;
        public int pid;
        public long dir = -1;
        public int dirLength;
        public String name;
        public long newDir = -1;
        public int newDirLength;
        public String newName;

        void clear(long mask, int pid) {
            this.mask = mask;
            this.pid = pid;
            dir = -1;
            dirLength = 0;
            name = null;
            newDir = -1;
            newDirLength = 0;
            newName = null;
        }
    }

    /** Receives decoded events. */
    public interface Sink {
        /** Asked before the info records are read, so events of processes nobody watches cost nothing more. */
        boolean accepts(int pid);

        void event(MemorySegment buf, Event event);

        /**
         * A directory was renamed or removed, by any process: paths remembered for directories
         * may be wrong from now on.
         */
        void directoryChanged();

        /** The kernel's queue overflowed ({@code FAN_Q_OVERFLOW}): events were dropped before this read. */
        void overflow();
    }

    private FanotifyDecoder() {}

    /**
     * Decodes every whole event in {@code buf}.
     *
     * @return the number of events read, accepted or not
     * @throws IllegalStateException when the kernel speaks another metadata version or an event is malformed
     */
    public static int decode(MemorySegment buf, Sink sink, Event scratch) {
        long off = 0;
        int count = 0;
        while (off + METADATA_LEN <= buf.byteSize()) {
            int len = buf.get(U32, off);
            int version = Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, off + 4));
            int metadataLen = Short.toUnsignedInt(buf.get(U16, off + 6));
            if (version != METADATA_VERSION) {
                throw new IllegalStateException("fanotify: metadata version " + version + ", expected " + METADATA_VERSION);
            }
            if (len < METADATA_LEN || metadataLen < METADATA_LEN || metadataLen > len || off + len > buf.byteSize()) {
                throw new IllegalStateException("fanotify: malformed event of " + len + " bytes at " + off);
            }
            long mask = buf.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 8);
            int pid = buf.get(U32, off + 20);
            count++;
            if ((mask & Fanotify.Q_OVERFLOW) != 0) {
                sink.overflow();
            } else if (sink.accepts(pid)) {
                scratch.clear(mask, pid);
                records(buf, off + metadataLen, off + len, scratch);
                sink.event(buf, scratch);
            }
            if ((mask & Fanotify.ONDIR) != 0
                    && (mask & (Fanotify.RENAME | Fanotify.MOVED_FROM | Fanotify.MOVED_TO | Fanotify.DELETE)) != 0) {
                sink.directoryChanged();
            }
            off += len;
        }
        return count;
    }

    private static void records(MemorySegment buf, long from, long end, Event e) {
        long at = from;
        while (at + 4 <= end) {
            int type = Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, at));
            int len = Short.toUnsignedInt(buf.get(U16, at + 2));
            if (len < 4 || at + len > end) {
                throw new IllegalStateException("fanotify: malformed info record of " + len + " bytes");
            }
            switch (type) {
                case INFO_DFID_NAME, INFO_DFID, INFO_OLD_DFID_NAME -> {
                    e.dir = at + 4;
                    e.dirLength = handleLength(buf, at, len);
                    e.name = type == INFO_DFID ? null : name(buf, at, len);
                }
                case INFO_NEW_DFID_NAME -> {
                    e.newDir = at + 4;
                    e.newDirLength = handleLength(buf, at, len);
                    e.newName = name(buf, at, len);
                }
                default -> {
                    // FID, PIDFD and ERROR records are not asked for.
                }
            }
            at += len;
        }
    }

    /** fsid plus the file_handle header plus handle_bytes. */
    private static int handleLength(MemorySegment buf, long record, int recordLen) {
        int handleBytes = buf.get(U32, record + HANDLE_OFFSET);
        long length = 8 + HANDLE_HEADER + Integer.toUnsignedLong(handleBytes);
        if (HANDLE_OFFSET + HANDLE_HEADER + Integer.toUnsignedLong(handleBytes) > recordLen) {
            throw new IllegalStateException("fanotify: file handle of " + handleBytes + " bytes overruns its record");
        }
        return (int) length;
    }

    private static String name(MemorySegment buf, long record, int recordLen) {
        long nameAt = record + HANDLE_OFFSET + HANDLE_HEADER + Integer.toUnsignedLong(buf.get(U32, record + HANDLE_OFFSET));
        long nameEnd = record + recordLen;
        if (nameAt >= nameEnd) {
            return null;
        }
        return buf.asSlice(nameAt, nameEnd - nameAt).getString(0);
    }
}
