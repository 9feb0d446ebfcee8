/* beat-send PATH [SECONDS]: sends valid VLP v0.2 frames (status ok, this process's pid, nonces
 * 1, 2, 3, ..., a monotonic timestamp, a good CRC-32C) as fast as it can over a Unix datagram
 * socket to PATH, for SECONDS (0 or none: until SIGTERM or SIGINT). Sends block while the
 * receiver's queue is full, so the rate is the receiver's. While nobody is bound at PATH
 * (ENOENT, ECONNREFUSED) it retries every millisecond. At the end it prints
 * "beat-send <pid> sent <frames> refused <attempts> in <seconds> s". */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vlp.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void) sig;
    stop = 1;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: beat-send PATH [SECONDS]\n");
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 0;
    struct sockaddr_un to = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof to.sun_path) {
        fprintf(stderr, "beat-send: path too long: %s\n", argv[1]);
        return 2;
    }
    strcpy(to.sun_path, argv[1]);

    /* No SA_RESTART: a signal ends a blocked send with EINTR. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("beat-send: socket");
        return 1;
    }
    /* A send blocked on a receiver that stopped reading wakes up to look at the clock. */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    vlp_init();
    uint32_t pid = (uint32_t) getpid();
    unsigned char frame[VLP_BYTES];
    uint64_t start = now_ns();
    uint64_t end = seconds > 0 ? start + (uint64_t) (seconds * 1e9) : UINT64_MAX;
    uint64_t nonce = 0, sent = 0, refused = 0, t = start;
    int pending = 0; /* the frame in hand was not sent yet: it keeps its nonce */
    while (!stop && t < end) {
        if (!pending) {
            vlp_encode(frame, 0x00, pid, t, ++nonce, 0);
            pending = 1;
        }
        ssize_t r = sendto(fd, frame, VLP_BYTES, MSG_NOSIGNAL, (struct sockaddr *) &to, sizeof to);
        if (r == VLP_BYTES) {
            sent++;
            pending = 0;
        } else if (r < 0 && (errno == ENOENT || errno == ECONNREFUSED)) {
            refused++;
            usleep(1000);
        } else if (r < 0 && errno != EINTR && errno != EAGAIN && errno != ENOBUFS) {
            perror("beat-send: sendto");
            return 1;
        }
        t = now_ns();
    }
    printf("beat-send %u sent %llu refused %llu in %.2f s\n", pid, (unsigned long long) sent,
           (unsigned long long) refused, (now_ns() - start) / 1e9);
    return 0;
}
