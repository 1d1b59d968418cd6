/* The in-guest network workload of `flint bench --suite net`, compiled static into the
 * quick-start guest's initramfs by scripts/build-guest (as /bin/net-bench).
 *   net-bench HOST PORT [BYTES [ROUNDS]]     (default 32 MiB, 1000 round trips)
 * Talks TCP (TCP_NODELAY) to the server flint bench runs on the host (src/bench/
 * net_server.cpp) over one connection. Each test starts with a command line from the
 * guest; the data is a 64 KiB pseudo-random block repeated, which both sides generate:
 *   "UP n\n"       the guest sends n bytes; the host answers "OK <hash>\n" once it has them
 *   "DOWN n\n"     the host sends n bytes; the guest hashes what arrives
 *   "ECHO k s\n"   k times: the guest sends s bytes and waits for the host to send them back
 *   "BYE\n"        the end
 * Both hashes are checked against the hash of the expected stream (see stream_hash), so a
 * lost, duplicated or reordered byte fails the run. ROUNDS round trips of 64 bytes are
 * timed one by one after WARMUP more that are not kept. Prints:
 *   FLINT-BENCH-RESULT net.tx <MiB/s> MiB/s check=<hash>   (guest -> host)
 *   FLINT-BENCH-RESULT net.rx <MiB/s> MiB/s check=<hash>   (host -> guest)
 *   FLINT-BENCH-RESULT net.rtt_p50 <us> us
 *   FLINT-BENCH-RESULT net.rtt_p99 <us> us
 * then FLINT-BENCH-DONE net. The throughputs are timed from the command to the last byte
 * (tx: to the host's answer), in the guest's CLOCK_MONOTONIC. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-quantile.h"

#define BLOCK (64u * 1024u)
#define WARMUP 50
#define MESSAGE 64u

/* Must match src/bench/net_server.cpp: the block's seed and the hash. */
#define PATTERN_SEED 0x2545f4914f6cdd1dull
#define HASH_INIT 0xcbf29ce484222325ull
#define HASH_PRIME 0x100000001b3ull

static int sock = -1;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void fail(const char *what) {
  printf("FLINT-BENCH-ERROR net-bench: %s: %s\n", what, errno ? strerror(errno) : "unexpected data");
  fflush(stdout);
  exit(1);
}

/* The hash of a byte stream in 8-byte little-endian words (FNV-1a on words, cheap enough
 * not to bound the throughput), whatever pieces it arrives in; the length is mixed in last. */
struct stream_hash {
  uint64_t h, pending, total;
  unsigned npending;
};

static void hash_word(struct stream_hash *s, uint64_t w) { s->h = (s->h ^ w) * HASH_PRIME; }

static void hash_add(struct stream_hash *s, const unsigned char *p, size_t n) {
  s->total += n;
  while (n && s->npending) {
    s->pending |= (uint64_t)*p++ << (8 * s->npending++);
    --n;
    if (s->npending == 8) {
      hash_word(s, s->pending);
      s->pending = 0;
      s->npending = 0;
    }
  }
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    hash_word(s, w);
  }
  for (; n; --n) s->pending |= (uint64_t)*p++ << (8 * s->npending++);
}

static uint64_t hash_end(struct stream_hash s) {
  if (s.npending) hash_word(&s, s.pending);
  hash_word(&s, s.total);
  return s.h;
}

static void write_all(const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(sock, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("send");
    p += w;
    n -= (size_t)w;
  }
}

static void read_all(void *buf, size_t n) {
  char *p = buf;
  while (n) {
    ssize_t r = read(sock, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) errno = ECONNRESET;
    if (r <= 0) fail("receive");
    p += r;
    n -= (size_t)r;
  }
}

/* One line from the host, without its newline. */
static void read_line(char *line, size_t size) {
  size_t n = 0;
  for (;;) {
    char c;
    read_all(&c, 1);
    if (c == '\n') break;
    if (n + 1 >= size) fail("over-long answer");
    line[n++] = c;
  }
  line[n] = 0;
}

static void command(const char *fmt, unsigned long a, unsigned long b) {
  char line[64];
  int n = snprintf(line, sizeof line, fmt, a, b);
  write_all(line, (size_t)n);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: net-bench HOST PORT [BYTES [ROUNDS]]\n");
    return 2;
  }
  const unsigned long port = strtoul(argv[2], NULL, 10);
  const unsigned long bytes = argc > 3 ? strtoul(argv[3], NULL, 10) : 32ul << 20;
  const long rounds = argc > 4 ? strtol(argv[4], NULL, 10) : 1000;
  if (port == 0 || port > 65535 || bytes < BLOCK || bytes % BLOCK || rounds < 1 || rounds > 1000000) {
    fprintf(stderr, "net-bench: PORT 1..65535, BYTES a multiple of 64 KiB, ROUNDS 1..10^6\n");
    return 2;
  }

  static unsigned char block[BLOCK], in[BLOCK];
  uint64_t x = PATTERN_SEED;
  for (size_t i = 0; i < BLOCK; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    memcpy(block + i, &x, 8);
  }
  struct stream_hash expect = {HASH_INIT, 0, 0, 0};
  for (unsigned long done = 0; done < bytes; done += BLOCK) hash_add(&expect, block, BLOCK);
  const uint64_t expected = hash_end(expect);

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) fail("bad HOST address");
  sock = socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) fail("socket");
  const int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) fail("connect to the host");

  char line[128];
  int64_t t0 = now_ns();
  command("UP %lu\n", bytes, 0);
  for (unsigned long done = 0; done < bytes; done += BLOCK) write_all(block, BLOCK);
  read_line(line, sizeof line);
  const double tx_s = (double)(now_ns() - t0) / 1e9;
  unsigned long long got = 0;
  errno = 0;
  if (sscanf(line, "OK %llx", &got) != 1 || got != expected) fail("the host hashed other data than was sent");

  struct stream_hash rx = {HASH_INIT, 0, 0, 0};
  t0 = now_ns();
  command("DOWN %lu\n", bytes, 0);
  for (unsigned long done = 0; done < bytes;) {
    const size_t want = bytes - done < BLOCK ? bytes - done : BLOCK;
    ssize_t r = read(sock, in, want);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) errno = ECONNRESET;
    if (r <= 0) fail("receive");
    hash_add(&rx, in, (size_t)r);
    done += (unsigned long)r;
  }
  const double rx_s = (double)(now_ns() - t0) / 1e9;
  errno = 0;
  if (hash_end(rx) != expected) fail("the guest received other data than the host sent");

  int64_t *rtt = calloc((size_t)rounds, sizeof *rtt);
  if (!rtt) fail("out of memory");
  command("ECHO %lu %lu\n", (unsigned long)(rounds + WARMUP), MESSAGE);
  for (long i = -WARMUP; i < rounds; ++i) {
    block[0] = (unsigned char)i;
    t0 = now_ns();
    write_all(block, MESSAGE);
    read_all(in, MESSAGE);
    const int64_t t = now_ns() - t0;
    errno = 0;
    if (memcmp(in, block, MESSAGE) != 0) fail("the echo differs from the message");
    if (i >= 0) rtt[i] = t;
  }
  write_all("BYE\n", 4);
  close(sock);
  qsort(rtt, (size_t)rounds, sizeof *rtt, by_value);

  const double mib = (double)bytes / (1024.0 * 1024.0);
  printf("FLINT-BENCH-RESULT net.tx %.2f MiB/s check=%016llx\n", mib / tx_s, (unsigned long long)expected);
  printf("FLINT-BENCH-RESULT net.rx %.2f MiB/s check=%016llx\n", mib / rx_s, (unsigned long long)expected);
  printf("FLINT-BENCH-RESULT net.rtt_p50 %.1f us\n", (double)quantile(rtt, rounds, 0.50) / 1e3);
  printf("FLINT-BENCH-RESULT net.rtt_p99 %.1f us\n", (double)quantile(rtt, rounds, 0.99) / 1e3);
  printf("FLINT-BENCH-DONE net\n");
  fflush(stdout);
  return 0;
}
