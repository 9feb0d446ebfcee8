package io.steward.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * An immutable array of C strings, encoded once and shared by every spawn that passes it: the
 * inherited environment is the same for each child, so re-encoding it per spawn would be waste.
 * The memory lives as long as this object is reachable.
 */
public final class CStrings {
    public static final CStrings EMPTY = of(List.of());

    private final MemorySegment pointers;
    private final int count;

    private CStrings(MemorySegment pointers, int count) {
        this.pointers = pointers;
        this.count = count;
    }

    public static CStrings of(List<String> values) {
        Arena arena = Arena.ofAuto();
        MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) {
            pointers.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        return new CStrings(pointers, values.size());
    }

    public int size() {
        return count;
    }

    /** Copies the string pointers into {@code array} from {@code index} on. */
    void copyPointers(MemorySegment array, int index) {
        MemorySegment.copy(pointers, 0, array, index * ValueLayout.ADDRESS.byteSize(),
                count * ValueLayout.ADDRESS.byteSize());
    }
}
