/* VLP v0.2 frames for the beats benchmark: 32 little-endian bytes, magic "VA", version 0x02,
 * status, pid u32, timestamp u64, nonce u64, payload u32, CRC-32C (Castagnoli) of bytes 0..28. */
#ifndef VLP_H
#define VLP_H

#include <stdint.h>
#include <string.h>

#define VLP_BYTES 32
#define VLP_CRC_AT 28

static uint32_t vlp_crc_table[256];

static inline void vlp_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        vlp_crc_table[i] = c;
    }
}

static inline uint32_t vlp_crc32c(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = vlp_crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* x86_64 and aarch64 are little-endian: the fields are copied as they are. */
static inline void vlp_encode(unsigned char *f, uint8_t status, uint32_t pid, uint64_t ts, uint64_t nonce, uint32_t payload) {
    f[0] = 0x56;
    f[1] = 0x41;
    f[2] = 0x02;
    f[3] = status;
    memcpy(f + 4, &pid, 4);
    memcpy(f + 8, &ts, 8);
    memcpy(f + 16, &nonce, 8);
    memcpy(f + 24, &payload, 4);
    uint32_t crc = vlp_crc32c(f, VLP_CRC_AT);
    memcpy(f + VLP_CRC_AT, &crc, 4);
}

/* 1 when f is a frame with a good header and CRC, its pid and nonce then in *pid and *nonce. */
static inline int vlp_check(const unsigned char *f, uint32_t *pid, uint64_t *nonce) {
    if (f[0] != 0x56 || f[1] != 0x41 || f[2] != 0x02) return 0;
    uint32_t crc;
    memcpy(&crc, f + VLP_CRC_AT, 4);
    if (crc != vlp_crc32c(f, VLP_CRC_AT) || f[3] > 0x02) return 0;
    memcpy(pid, f + 4, 4);
    memcpy(nonce, f + 16, 8);
    return 1;
}

#endif
