package io.steward.core;

import java.util.Arrays;

/**
 * Pids to values, open addressing with linear probing and backward-shift deletion: a lookup of a
 * pid that is not there (almost every event of a host's fork storm) allocates nothing and touches
 * one or two slots. Not thread-safe: one thread owns it.
 */
final class PidMap<V> {
    private int[] keys;
    private Object[] values;
    private int size;

    PidMap() {
        keys = new int[64];
        values = new Object[64];
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(int pid) {
        int mask = keys.length - 1;
        for (int i = slot(pid, mask); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == pid) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Pids are positive: 0 marks an empty slot. */
    void put(int pid, V value) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(pid, mask);
        while (keys[i] != 0 && keys[i] != pid) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = pid;
        values[i] = value;
    }

    @SuppressWarnings("unchecked")
    V remove(int pid) {
        int mask = keys.length - 1;
        int i = slot(pid, mask);
        while (keys[i] != pid) {
            if (keys[i] == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        size--;
        // Shift back the entries after the hole that would no longer be found past it.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        return old;
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
    }

    private static int slot(int pid, int mask) {
        int h = pid * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
