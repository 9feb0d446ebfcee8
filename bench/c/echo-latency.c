/* Keystroke echo latency through a terminal client: runs CMD (a `steward attach` or a `tmux attach`)
 * on a pseudo-terminal of its own, as a person's terminal emulator would, and types into it one key
 * at a time, each waiting for its echo to come back before the next goes out.
 *
 *   echo-latency SUBJECT WARMUP COUNT GAP_US -- CMD [ARG...]
 *
 * The session behind CMD must echo what it reads (a `cat` whose terminal is raw). Keys are the
 * letters a to z in turn; an echo is the key's letter among the printable bytes the client writes
 * (escape sequences, which a multiplexer sends around its redraws, are skipped). Nothing is typed
 * before the client made its terminal raw: until then our own terminal would echo the key itself.
 * The first key waits up to 20 s (the client connects), later ones up to 5 s; GAP_US microseconds
 * pass between an echo and the next key. Prints "<SUBJECT>-p50 <ms> ms" and "<SUBJECT>-p99 <ms> ms"
 * on stdout, min, p90 and max on stderr. CMD is hung up (its terminal closed) at the end, and
 * killed if it has not gone within 5 s. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Hangs the client up and reaps it: SIGHUP through the closed terminal, SIGKILL after 5 s. */
static void finish(void) {
    if (master >= 0) {
        close(master);
        master = -1;
    }
    if (child <= 0) {
        return;
    }
    double deadline = now_ms() + 5000;
    while (waitpid(child, NULL, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            break;
        }
        struct timespec pause = { 0, 10 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    child = -1;
}

static void fail(const char *subject, const char *what) {
    fprintf(stderr, "echo-latency %s: %s\n", subject, what);
    finish();
    exit(1);
}

/* Where an escape sequence stands in the client's output, so letters inside one are not taken for echoes. */
enum scan { TEXT, ESC, CSI, STRING, STRING_ESC, CHARSET };

static enum scan state = TEXT;

/* True when byte c, seen in state, is printable text equal to want. */
static int echoes(unsigned char c, char want) {
    switch (state) {
    case TEXT:
        if (c == 0x1b) {
            state = ESC;
            return 0;
        }
        return c == (unsigned char) want;
    case ESC:
        if (c == '[') {
            state = CSI;
        } else if (c == ']' || c == 'P' || c == '_' || c == '^') {
            state = STRING; /* OSC, DCS, APC, PM: up to BEL or ESC \ */
        } else if (c == '(' || c == ')' || c == '*' || c == '+' || c == '#' || c == '%') {
            state = CHARSET; /* one more byte follows */
        } else {
            state = TEXT;
        }
        return 0;
    case CSI:
        if (c >= 0x40 && c <= 0x7e) {
            state = TEXT;
        }
        return 0;
    case STRING:
        if (c == 0x07) {
            state = TEXT;
        } else if (c == 0x1b) {
            state = STRING_ESC;
        }
        return 0;
    case STRING_ESC:
        state = c == '\\' ? TEXT : STRING;
        return 0;
    case CHARSET:
        state = TEXT;
        return 0;
    }
    return 0;
}

/* Reads the client's output until want is echoed; the latency in ms, or -1 after timeout_ms. */
static double await_echo(char want, double sent, double timeout_ms) {
    unsigned char buf[4096];
    for (;;) {
        double left = sent + timeout_ms - now_ms();
        if (left <= 0) {
            return -1;
        }
        struct pollfd p = { .fd = master, .events = POLLIN };
        int r = poll(&p, 1, (int) left + 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            continue;
        }
        ssize_t n = read(master, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n <= 0) {
            return -2; /* the client is gone: its terminal reads EIO */
        }
        double at = now_ms();
        int hit = 0;
        for (ssize_t i = 0; i < n; i++) {
            hit |= echoes(buf[i], want);
        }
        if (hit) {
            return at - sent;
        }
    }
}

/* Waits until the client has made its terminal raw (no echo, no line editing), up to 20 s. */
static int await_raw(void) {
    double deadline = now_ms() + 20000;
    unsigned char buf[4096];
    while (now_ms() < deadline) {
        struct termios t;
        if (tcgetattr(master, &t) == 0 && !(t.c_lflag & (ECHO | ICANON))) {
            return 1;
        }
        /* Keep the client's output flowing meanwhile; whatever it says before now is no echo. */
        struct pollfd p = { .fd = master, .events = POLLIN };
        if (poll(&p, 1, 5) > 0 && read(master, buf, sizeof buf) < 0 && errno != EAGAIN && errno != EINTR) {
            return 0;
        }
    }
    return 0;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* The nearest-rank percentile q (0..1] of sorted[0..n). */
static double percentile(const double *sorted, int n, double q) {
    int i = (int) (q * n + 0.999999) - 1;
    return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static double type_key(const char *subject, int k, double timeout_ms, long gap_us) {
    char key = (char) ('a' + k % 26);
    if (gap_us > 0) {
        struct timespec g = { gap_us / 1000000, (gap_us % 1000000) * 1000 };
        nanosleep(&g, NULL);
    }
    double sent = now_ms();
    if (write(master, &key, 1) != 1) {
        fail(subject, "could not type into the client's terminal");
    }
    double ms = await_echo(key, sent, timeout_ms);
    if (ms == -2) {
        fail(subject, "the client ended before the keys were all typed");
    }
    if (ms < 0) {
        char why[96];
        snprintf(why, sizeof why, "no echo of key %d ('%c') within %.0f ms", k, key, timeout_ms);
        fail(subject, why);
    }
    return ms;
}

int main(int argc, char **argv) {
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fprintf(stderr, "usage: echo-latency SUBJECT WARMUP COUNT GAP_US -- CMD [ARG...]\n");
        return 2;
    }
    const char *subject = argv[1];
    int warmup = atoi(argv[2]), count = atoi(argv[3]);
    long gap_us = atol(argv[4]);
    if (count <= 0 || warmup < 0 || gap_us < 0) {
        fprintf(stderr, "echo-latency: WARMUP >= 0, COUNT > 0 and GAP_US >= 0 are needed\n");
        return 2;
    }
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        return 1;
    }
    if (child == 0) {
        execvp(argv[6], argv + 6);
        fprintf(stderr, "echo-latency: %s: %s\n", argv[6], strerror(errno));
        _exit(127);
    }
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    if (!await_raw()) {
        fail(subject, "the client did not make its terminal raw within 20 s");
    }
    double *ms = malloc(sizeof(double) * count);
    type_key(subject, 0, 20000, 0); /* the first echo says the client is through to the session */
    for (int k = 1; k <= warmup; k++) {
        type_key(subject, k, 5000, gap_us);
    }
    for (int k = 0; k < count; k++) {
        ms[k] = type_key(subject, warmup + 1 + k, 5000, gap_us);
    }
    finish();
    qsort(ms, count, sizeof(double), by_value);
    printf("%s-p50 %.3f ms\n%s-p99 %.3f ms\n", subject, percentile(ms, count, 0.5), subject,
            percentile(ms, count, 0.99));
    fprintf(stderr, "  %s: %d keys, min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f ms\n", subject, count, ms[0],
            percentile(ms, count, 0.5), percentile(ms, count, 0.9), percentile(ms, count, 0.99), ms[count - 1]);
    free(ms);
    return 0;
}
