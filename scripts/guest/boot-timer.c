/* Baked into the nested-KVM L1 image for bench/kvm-boot.
 *   boot-timer PATTERN CMD [ARGS...]
 * Runs CMD with stdout+stderr on a pipe (stdin from /dev/null), and prints one line:
 *   ready_ms=<start -> PATTERN seen> exit_ms=<start -> exit> maxrss_kb=<peak RSS> status=<exit>
 * ready_ms is -1 when PATTERN never showed. The child's output is dropped except its last
 * bytes, printed after a failure. Progress marks go to stderr as they happen
 * ("BOOT-TIMER start|ready|exit"), so that a watcher outside this machine can time them on
 * its own clock: the clock of a machine emulated under load is not a good stopwatch. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: boot-timer PATTERN CMD [ARGS...]\n"); return 2; }
  const char *pat = argv[1];
  size_t plen = strlen(pat);
  int fds[2];
  if (pipe(fds) != 0) { perror("pipe"); return 2; }
  fputs("BOOT-TIMER start\n", stderr);
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 2; }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  close(fds[1]);
  char tail[4096];  /* last bytes seen, for the pattern across reads and for errors */
  size_t tlen = 0;
  double ready = -1;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (tlen == sizeof tail) { memmove(tail, tail + sizeof tail / 2, sizeof tail / 2); tlen = sizeof tail / 2; }
      tail[tlen++] = buf[i];
      if (ready < 0 && tlen >= plen && memcmp(tail + tlen - plen, pat, plen) == 0) {
        ready = now_ms() - t0;
        fputs("BOOT-TIMER ready\n", stderr);
      }
    }
  }
  int st = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {}
  double done = now_ms() - t0;
  fputs("BOOT-TIMER exit\n", stderr);
  int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  printf("ready_ms=%.1f exit_ms=%.1f maxrss_kb=%ld status=%d\n", ready, done, ru.ru_maxrss, status);
  if (status != 0 || ready < 0) {
    size_t keep = tlen > 600 ? 600 : tlen;
    printf("last output: ");
    for (size_t i = tlen - keep; i < tlen; ++i) putchar(tail[i] == '\r' ? ' ' : tail[i]);
    putchar('\n');
  }
  return status;
}
