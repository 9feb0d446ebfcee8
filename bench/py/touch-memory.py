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
step = len(record % 0)
for offset in range(quarter, 3 * quarter - step + 1, step):
    heap[offset:offset + step] = record % (offset // step)
for offset in range(3 * quarter, size, 4096):
    heap[offset] = 0
print("ready", flush=True)
time.sleep(3600)
