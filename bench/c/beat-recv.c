/* beat-recv PATH WARMUP WINDOW: the C baseline of a heartbeat receiver ("c-recvmsg"). Binds a Unix
 * datagram socket at PATH (0600, SO_PASSCRED), receives with recvmsg into a 64-byte buffer and a
 * 256-byte control buffer, and checks every datagram as the daemon has to: 32 bytes, VLP header
 * and CRC-32C, the frame's pid equal to the kernel's SCM_CREDENTIALS pid, nonces increasing per
 * pid. The clock starts at the first datagram (it waits up to 30 s for one); after WARMUP seconds
 * it counts beats for WINDOW seconds and prints "c-recvmsg <beats/s> beats/s", with the rejected
 * datagrams of the window on stderr. A pid mismatch or a rejected frame fails the run (exit 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vlp.h"

#define SLOTS 64 /* the senders' pids: a handful */

static uint32_t slot_pid[SLOTS];
static uint64_t slot_nonce[SLOTS];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* 1 when nonce is above the last one seen from pid (or the first from it). */
static int in_order(uint32_t pid, uint64_t nonce) {
    unsigned i = pid % SLOTS;
    for (unsigned k = 0; k < SLOTS; k++, i = (i + 1) % SLOTS) {
        if (slot_pid[i] == pid) {
            int ok = nonce > slot_nonce[i];
            slot_nonce[i] = nonce;
            return ok;
        }
        if (slot_pid[i] == 0) {
            slot_pid[i] = pid;
            slot_nonce[i] = nonce;
            return 1;
        }
    }
    return 1; /* more senders than slots: not checked */
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: beat-recv PATH WARMUP WINDOW\n");
        return 2;
    }
    double warmup = atof(argv[2]), window = atof(argv[3]);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "beat-recv: path too long: %s\n", argv[1]);
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    unlink(argv[1]);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || fchmod(fd, 0600) || bind(fd, (struct sockaddr *) &addr, sizeof addr) || chmod(argv[1], 0600)) {
        perror("beat-recv: socket/bind");
        return 1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    vlp_init();
    unsigned char buf[64];
    union {
        char bytes[256];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes};

    uint64_t beats = 0, bad = 0, mismatched = 0, uncredentialed = 0, unordered = 0, total = 0;
    double started = 0, window_start = 0, t;
    int counting = 0;
    for (;;) {
        msg.msg_controllen = sizeof control.bytes;
        msg.msg_flags = 0;
        ssize_t n = recvmsg(fd, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                perror("beat-recv: recvmsg");
                return 1;
            }
        } else {
            if (total++ == 0) window_start = now(); /* the first datagram: warm-up starts */
            const struct ucred *cred = NULL;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                    cred = (const struct ucred *) CMSG_DATA(c);
                }
            }
            uint32_t pid;
            uint64_t nonce;
            if (n != VLP_BYTES || !vlp_check(buf, &pid, &nonce)) {
                bad++;
            } else if (cred == NULL) {
                uncredentialed++;
            } else if ((uint32_t) cred->pid != pid) {
                mismatched++;
            } else if (!in_order(pid, nonce)) {
                unordered++;
            } else {
                beats++;
            }
        }
        if (total == 0) {
            if (started == 0) started = now();
            if (now() - started > 30) {
                fprintf(stderr, "beat-recv: no datagram arrived within 30 s\n");
                return 1;
            }
            continue;
        }
        if (n >= 0 && (total & 63) != 0) continue;
        t = now();
        if (!counting) {
            if (t - window_start >= warmup) {
                counting = 1;
                window_start = t;
                beats = bad = mismatched = uncredentialed = unordered = 0;
            }
        } else if (t - window_start >= window) {
            break;
        }
    }
    double span = t - window_start;
    fprintf(stderr, "  c-recvmsg: %llu beats in %.2f s; rejected: %llu bad frames, %llu pid mismatches,"
            " %llu without credentials, %llu out of order\n", (unsigned long long) beats, span,
            (unsigned long long) bad, (unsigned long long) mismatched, (unsigned long long) uncredentialed,
            (unsigned long long) unordered);
    printf("c-recvmsg %.0f beats/s\n", beats / span);
    unlink(argv[1]);
    return bad || mismatched || uncredentialed || unordered ? 1 : 0;
}
