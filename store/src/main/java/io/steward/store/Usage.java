package io.steward.store;

/** The store's footprint: bytes of all blob files on disk and how many there are. */
public record Usage(long bytes, long blobs) {}
