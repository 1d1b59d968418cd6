/* Quantiles of a guest bench's samples (nanoseconds), shared by the workloads of
 * scripts/guest that report p50/p99: sort with qsort(v, n, sizeof *v, by_value), then
 * read quantile(v, n, q). */
#include <stdint.h>

static int by_value(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* The value at quantile q of sorted v (nearest rank). */
static int64_t quantile(const int64_t *v, long n, double q) {
  long rank = (long)(q * (double)n + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return v[rank - 1];
}
