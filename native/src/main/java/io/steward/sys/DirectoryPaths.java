package io.steward.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Directory paths by handle, the most recent first: a burst in one directory compares bytes
 * with the last one and allocates nothing. Renaming or removing any directory clears it, since
 * every path below the directory changes with it.
 */
final class DirectoryPaths {
    private static final int CAPACITY = 512;

    private final Map<Key, String> byHandle = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
            return size() > CAPACITY;
        }
    };
    private byte[] lastKey = new byte[0];
    private MemorySegment lastKeySegment = MemorySegment.ofArray(lastKey);
    private String lastPath;

    String get(MemorySegment key) {
        if (lastPath != null && key.byteSize() == lastKey.length
                && MemorySegment.mismatch(lastKeySegment, 0, lastKey.length, key, 0, key.byteSize()) == -1) {
            return lastPath;
        }
        byte[] bytes = key.toArray(ValueLayout.JAVA_BYTE);
        String path = byHandle.get(new Key(bytes));
        if (path != null) {
            remember(bytes, path);
        }
        return path;
    }

    void put(MemorySegment key, String path) {
        byte[] bytes = key.toArray(ValueLayout.JAVA_BYTE);
        byHandle.put(new Key(bytes), path);
        remember(bytes, path);
    }

    private void remember(byte[] key, String path) {
        lastKey = key;
        lastKeySegment = MemorySegment.ofArray(key);
        lastPath = path;
    }

    int size() {
        return byHandle.size();
    }

    void clear() {
        byHandle.clear();
        lastPath = null;
    }

    /** Handle bytes, compared by content. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
