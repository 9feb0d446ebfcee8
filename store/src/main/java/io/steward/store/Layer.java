package io.steward.store;

/**
 * One stored image file, or one part of a split one: {@code name} is the file's name in the image
 * directory, {@code offset} where this part starts in it (0 for a whole file), {@code digest} the
 * {@code sha256:<hex>} of the compressed blob, {@code size} its bytes on disk and
 * {@code uncompressedSize} the bytes it restores.
 */
public record Layer(String name, long offset, String digest, long size, long uncompressedSize) {}
