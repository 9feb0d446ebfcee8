package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class DirectoryPathsTest {
    private static MemorySegment handle(int n) {
        return MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, (byte) n, (byte) (n >> 8), 0, 0});
    }

    @Test
    void handlesAreComparedByContentAndTheCacheStaysBounded() {
        DirectoryPaths paths = new DirectoryPaths();
        paths.put(handle(1), "/a");
        paths.put(handle(2), "/b");
        assertEquals("/a", paths.get(handle(1)), "an equal handle in another buffer");
        assertEquals("/a", paths.get(handle(1)), "the last hit again");
        assertEquals("/b", paths.get(handle(2)));
        assertNull(paths.get(handle(3)));
        for (int i = 0; i < 2000; i++) {
            paths.put(handle(100 + i), "/d" + i);
        }
        assertEquals(512, paths.size());
        assertEquals("/d1999", paths.get(handle(2099)));
        assertNull(paths.get(handle(1)), "the least recently used went first");
    }

    @Test
    void clearingForgetsTheLastHitToo() {
        DirectoryPaths paths = new DirectoryPaths();
        paths.put(handle(1), "/a");
        assertEquals("/a", paths.get(handle(1)));
        paths.clear();
        assertNull(paths.get(handle(1)));
    }
}
