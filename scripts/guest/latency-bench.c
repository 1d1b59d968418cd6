/* The in-guest timer workload of `flint bench --suite latency`, compiled static into the
 * quick-start guest's initramfs by scripts/build-guest (as /bin/latency-bench).
 *   latency-bench [ITERATIONS [INTERVAL_US]]     (default 2000 wake-ups, every 1000 us)
 * A cyclictest-style loop: sleep with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)
 * until the next period, read the clock on waking, and keep how late the wake-up came.
 * Runs as SCHED_FIFO with its memory locked when the guest allows it, as cyclictest does.
 * The first 20 wake-ups warm up and are not kept. A wake-up later than a whole period
 * restarts the schedule from the time it woke, so that a long stall shows as one late
 * wake-up, not as a run of zero-length sleeps behind it. Prints, in microseconds:
 *   FLINT-BENCH-RESULT latency.p50 <us> us
 *   FLINT-BENCH-RESULT latency.p99 <us> us
 *   FLINT-BENCH-RESULT latency.max <us> us
 * then FLINT-BENCH-DONE latency. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench-quantile.h"

#define WARMUP 20

static int64_t ns_of(const struct timespec *ts) { return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec; }

static struct timespec timespec_of(int64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
  return ts;
}

static void result(const char *name, int64_t ns) {
  printf("FLINT-BENCH-RESULT latency.%s %.1f us\n", name, (double)ns / 1e3);
  fflush(stdout);
}

int main(int argc, char **argv) {
  long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
  long interval_us = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
  if (iterations < 1 || iterations > 10000000 || interval_us < 10 || interval_us > 1000000) {
    fprintf(stderr, "usage: latency-bench [ITERATIONS [INTERVAL_US]]   (1..10^7, 10..10^6)\n");
    return 2;
  }
  int64_t *late = calloc((size_t)iterations, sizeof *late);
  if (!late) {
    printf("FLINT-BENCH-ERROR latency-bench: out of memory\n");
    return 1;
  }
  /* Best effort, as cyclictest -m -p: without them the figures still mean something. */
  struct sched_param sp = {.sched_priority = 80};
  sched_setscheduler(0, SCHED_FIFO, &sp);
  mlockall(MCL_CURRENT | MCL_FUTURE);

  const int64_t interval = (int64_t)interval_us * 1000;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t next = ns_of(&ts);
  for (long i = -WARMUP; i < iterations; ++i) {
    next += interval;
    struct timespec until = timespec_of(next);
    int err;
    while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)) == EINTR) {}
    if (err != 0) {
      printf("FLINT-BENCH-ERROR latency-bench: clock_nanosleep: %s\n", strerror(err));
      return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const int64_t woke = ns_of(&ts);
    if (i >= 0) late[i] = woke - next;
    if (woke - next > interval) next = woke;
  }
  qsort(late, (size_t)iterations, sizeof *late, by_value);
  result("p50", quantile(late, iterations, 0.50));
  result("p99", quantile(late, iterations, 0.99));
  result("max", late[iterations - 1]);
  printf("FLINT-BENCH-DONE latency\n");
  fflush(stdout);
  return 0;
}
