/* The in-guest CPU workload of `flint bench --suite cpu`, compiled static into the
 * quick-start guest's initramfs by scripts/build-guest (as /bin/cpu-bench).
 *   cpu-bench [SCALE]
 * Runs three loops, each timed with clock_gettime(CLOCK_MONOTONIC) inside the guest, and
 * prints one line per loop:
 *   FLINT-BENCH-RESULT cpu.<name> <milliseconds> ms check=<hex>
 * then FLINT-BENCH-DONE cpu. The checksum depends only on the work done, so every engine
 * must print the same one; the harness compares them. SCALE (default 1) multiplies the
 * work; at 1 each loop is about 100 million instructions, a few seconds on an interpreter.
 *   int     integer ALU: multiply, shifts, xor, add (a hash over a counter)
 *   memory  bandwidth: writes, reads and copies of a 16 MiB buffer, 8 bytes at a time
 *   branchy data-dependent branches: quicksort of pseudo-random integers */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t loop_int(long scale) {
  uint64_t h = 0x9e3779b97f4a7c15ull, acc = 0;
  long n = 12000000L * scale;
  for (long i = 0; i < n; ++i) {
    h ^= (uint64_t)i;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    acc += h + (h << 3);
  }
  return acc ^ h;
}

#define MEM_WORDS (2u * 1024 * 1024) /* 16 MiB of uint64_t */

static uint64_t loop_memory(long scale) {
  static uint64_t a[MEM_WORDS / 2], b[MEM_WORDS / 2];
  uint64_t sum = 0;
  for (long pass = 0; pass < 3 * scale; ++pass) {
    for (uint32_t i = 0; i < MEM_WORDS / 2; ++i) a[i] = (uint64_t)i * 7u + (uint64_t)pass;
    for (uint32_t i = 0; i < MEM_WORDS / 2; ++i) b[i] = a[i];
    for (uint32_t i = 0; i < MEM_WORDS / 2; ++i) sum += b[i] ^ (sum >> 7);
  }
  return sum;
}

static uint32_t rng_state;
static uint32_t next_rand(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void quicksort(uint32_t *v, long lo, long hi) {
  while (lo < hi) {
    uint32_t pivot = v[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) ++i;
      while (v[j] > pivot) --j;
      if (i <= j) {
        uint32_t t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    /* Recurse into the smaller side, loop on the larger: the stack stays shallow. */
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

#define SORT_N 200000L

static uint64_t loop_branchy(long scale) {
  static uint32_t v[SORT_N];
  uint64_t check = 0;
  rng_state = 2463534242u;
  for (long round = 0; round < 2 * scale; ++round) {
    for (long i = 0; i < SORT_N; ++i) v[i] = next_rand();
    quicksort(v, 0, SORT_N - 1);
    for (long i = 0; i < SORT_N; i += 997) check = check * 31 + v[i];
  }
  return check;
}

struct workload {
  const char *name;
  uint64_t (*run)(long scale);
};

int main(int argc, char **argv) {
  long scale = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
  if (scale < 1 || scale > 1000) {
    fprintf(stderr, "usage: cpu-bench [SCALE]   (SCALE 1..1000)\n");
    return 2;
  }
  static const struct workload loads[] = {
      {"int", loop_int}, {"memory", loop_memory}, {"branchy", loop_branchy}};
  for (size_t i = 0; i < sizeof loads / sizeof loads[0]; ++i) {
    double t0 = now_ms();
    uint64_t check = loads[i].run(scale);
    double ms = now_ms() - t0;
    printf("FLINT-BENCH-RESULT cpu.%s %.3f ms check=%016llx\n", loads[i].name, ms,
           (unsigned long long)check);
    fflush(stdout);
  }
  printf("FLINT-BENCH-DONE cpu\n");
  fflush(stdout);
  return 0;
}
