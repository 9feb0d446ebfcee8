package io.steward.store;

/** What a garbage collection did: blobs (and stale temporary files) deleted, their bytes, and the bytes left. */
public record GcResult(long blobsRemoved, long bytesFreed, long bytesKept) {}
