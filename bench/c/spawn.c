/* Sequential spawn and reap of /bin/true with posix_spawn, doing what steward does per spawn:
 * stdout and stderr pipes, stdin from /dev/null, a new session, reset signal mask and
 * dispositions, every other descriptor closed, a pidfd to wait on. With "bare" as the second
 * argument it only spawns and waits. Prints "<subject> <spawns/s> spawns/s", then
 * "<subject>-cpu <us> us/spawn", this process's own CPU time per spawn (children excluded). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* CPU seconds of this process, without its reaped children. */
static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void one_full(char **args) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) { perror("pipe2"); exit(1); }
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t empty, full;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    sigemptyset(&empty);
    sigfillset(&full);
    posix_spawnattr_setsigmask(&at, &empty);
    posix_spawnattr_setsigdefault(&at, &full);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/true", &fa, &at, args, environ);
    if (rc) { fprintf(stderr, "posix_spawn: %s\n", strerror(rc)); exit(1); }
    close(out[1]);
    close(err[1]);
    int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    poll(&p, 1, -1);
    siginfo_t si;
    waitid(P_PIDFD, pidfd, &si, WEXITED);
    close(pidfd);
    close(out[0]);
    close(err[0]);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
}

static void one_bare(char **args) {
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ);
    if (rc) { fprintf(stderr, "posix_spawn: %s\n", strerror(rc)); exit(1); }
    int st;
    waitpid(pid, &st, 0);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 5000;
    int bare = argc > 2 && strcmp(argv[2], "bare") == 0;
    char *args[] = {"/bin/true", NULL};
    for (int i = 0; i < n / 10; i++) bare ? one_bare(args) : one_full(args);
    double c = cpu();
    double a = now();
    for (int i = 0; i < n; i++) bare ? one_bare(args) : one_full(args);
    double s = now() - a;
    const char *subject = bare ? "c-posix-spawn-bare" : "c-posix-spawn";
    printf("%s %.0f spawns/s\n", subject, n / s);
    printf("%s-cpu %.1f us/spawn\n", subject, (cpu() - c) * 1e6 / n);
    return 0;
}
