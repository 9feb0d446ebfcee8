"""Touches N MiB (argv[1], default 256) of memory shaped like a program's heap, prints 'ready', idles.

A quarter random bytes (compressed data, keys), half repeated text records (strings, logs), a
quarter zeros written by hand (cleared buffers): every page is touched, so CRIU dumps them all.
"""
import os
import sys
import time

mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
size = mib << 20
heap = bytearray(size)
quarter = size // 4
heap[0:quarter] = os.urandom(quarter)
record = b"2026-12-03T08:00:00Z INFO request id=%08d path=/api/items status=200 bytes=5123\n"
text = b"".join(record % i for i in range(quarter * 2 // len(record % 0) + 1))
heap[quarter:3 * quarter] = text[:2 * quarter]
for offset in range(3 * quarter, size, 4096):
    heap[offset] = 0
print("ready", flush=True)
time.sleep(3600)
