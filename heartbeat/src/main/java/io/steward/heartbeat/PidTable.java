package io.steward.heartbeat;

import java.util.Arrays;

/**
 * pid → slot index, open addressing with linear probing and backward-shift deletion: no boxing and
 * no allocation per lookup, which a {@code Map<Integer, …>} would cost on every beat.
 */
final class PidTable {
    private static final int EMPTY = 0; // pid 0 is never a sender: the codec refuses it
    private final int[] keys;
    private final int[] values;
    private final int mask;

    PidTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        keys = new int[size];
        values = new int[size];
        mask = size - 1;
    }

    /** The slot of {@code pid}, or -1. */
    int get(int pid) {
        for (int i = hash(pid); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == pid) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    void put(int pid, int slot) {
        for (int i = hash(pid); ; i = (i + 1) & mask) {
            if (keys[i] == EMPTY || keys[i] == pid) {
                keys[i] = pid;
                values[i] = slot;
                return;
            }
        }
    }

    void remove(int pid) {
        int i = hash(pid);
        while (keys[i] != pid) {
            if (keys[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Shift later members of the probe run back, so lookups never stop early at the hole.
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = hash(keys[j]);
            boolean movable = i <= j ? home <= i || home > j : home <= i && home > j;
            if (movable) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        keys[i] = EMPTY;
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
    }

    private int hash(int pid) {
        int h = pid * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
