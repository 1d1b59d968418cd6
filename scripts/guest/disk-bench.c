/* The in-guest disk workload of `flint bench --suite disk`, compiled static into the
 * quick-start guest's initramfs by scripts/build-guest (as /bin/disk-bench).
 *   disk-bench [DEVICE [SECONDS]]       (default /dev/vda, 3 seconds)
 * Works on the whole block device with O_DIRECT, so that the guest's page cache hides
 * nothing: every read and write is a request to the virtio disk. Four tests, in order:
 *   seq_write   1 MiB writes from the start to the end of the device
 *   seq_read    1 MiB reads of the same, checking what seq_write wrote
 *   rand_read   4 KiB reads at pseudo-random 4 KiB-aligned offsets, for SECONDS
 *   rand_write  4 KiB writes the same way, for SECONDS
 * The offsets come from a fixed seed: every engine does the same requests in the same
 * order (the random tests do as many of them as fit in SECONDS). Each test is timed with
 * clock_gettime(CLOCK_MONOTONIC) inside the guest; the writes are flushed (fdatasync)
 * after their timed loop, outside it. One line per test:
 *   FLINT-BENCH-RESULT disk.seq_write <MiB/s> MiB/s
 *   FLINT-BENCH-RESULT disk.seq_read <MiB/s> MiB/s check=<hex>
 *   FLINT-BENCH-RESULT disk.rand_read <IOPS> IOPS
 *   FLINT-BENCH-RESULT disk.rand_write <IOPS> IOPS
 * then FLINT-BENCH-DONE disk. The check hashes the block stamps seq_read found, so it
 * depends only on the device size; the harness compares it across engines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BLOCK (1u << 20)
#define RAND_BLOCK 4096u
#define SECTOR 4096u /* the unit that carries a stamp */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what) {
  printf("FLINT-BENCH-ERROR disk-bench: %s: %s\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

/* What seq_write puts at the start of every 4 KiB of the device: its index, mixed, so a
 * misplaced or stale block shows. The rest of each block is a fixed pattern. */
static uint64_t stamp_of(uint64_t sector) { return (sector + 1) * 0x9e3779b97f4a7c15ull; }

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Opens DEVICE, waiting a little: the virtio_blk driver may still be probing. */
static int open_device(const char *path) {
  for (int tries = 0; tries < 100; ++tries) {
    int fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT) return fd;
    usleep(100000);
  }
  return -1;
}

static void result(const char *name, double value, const char *unit) {
  printf("FLINT-BENCH-RESULT disk.%s %.1f %s\n", name, value, unit);
  fflush(stdout);
}

static void full_io(int write_op, int fd, unsigned char *buf, size_t len, uint64_t offset) {
  ssize_t n = write_op ? pwrite(fd, buf, len, (off_t)offset) : pread(fd, buf, len, (off_t)offset);
  if (n != (ssize_t)len) {
    if (n >= 0) errno = EIO;
    fail(write_op ? "write" : "read");
  }
}

static void sequential(int fd, unsigned char *buf, uint64_t size) {
  uint64_t blocks = size / SEQ_BLOCK;
  for (size_t i = 0; i < SEQ_BLOCK; ++i) buf[i] = (unsigned char)(i * 131u + 7u);
  double t0 = now_s();
  for (uint64_t b = 0; b < blocks; ++b) {
    for (uint32_t s = 0; s < SEQ_BLOCK / SECTOR; ++s) {
      uint64_t stamp = stamp_of(b * (SEQ_BLOCK / SECTOR) + s);
      memcpy(buf + (size_t)s * SECTOR, &stamp, sizeof stamp);
    }
    full_io(1, fd, buf, SEQ_BLOCK, b * SEQ_BLOCK);
  }
  double t = now_s() - t0;
  if (fdatasync(fd) != 0) fail("fdatasync");
  result("seq_write", (double)(blocks * SEQ_BLOCK) / (1 << 20) / t, "MiB/s");

  uint64_t check = 0xcbf29ce484222325ull;
  t0 = now_s();
  for (uint64_t b = 0; b < blocks; ++b) {
    full_io(0, fd, buf, SEQ_BLOCK, b * SEQ_BLOCK);
    for (uint32_t s = 0; s < SEQ_BLOCK / SECTOR; ++s) {
      uint64_t stamp;
      memcpy(&stamp, buf + (size_t)s * SECTOR, sizeof stamp);
      check = (check ^ stamp) * 0x100000001b3ull;
    }
  }
  t = now_s() - t0;
  /* What it should be, worked out after the timed loop: its cost stays out of the figure. */
  uint64_t want = 0xcbf29ce484222325ull;
  for (uint64_t sector = 0; sector < blocks * (SEQ_BLOCK / SECTOR); ++sector)
    want = (want ^ stamp_of(sector)) * 0x100000001b3ull;
  if (check != want) {
    printf("FLINT-BENCH-ERROR disk-bench: seq_read read back other data than seq_write wrote\n");
    fflush(stdout);
    exit(1);
  }
  printf("FLINT-BENCH-RESULT disk.seq_read %.1f MiB/s check=%016llx\n", (double)(blocks * SEQ_BLOCK) / (1 << 20) / t,
         (unsigned long long)check);
  fflush(stdout);
}

static void random_io(int write_op, int fd, unsigned char *buf, uint64_t size, double seconds) {
  uint64_t blocks = size / RAND_BLOCK;
  uint64_t ops = 0;
  double t0 = now_s(), t = 0;
  do {
    full_io(write_op, fd, buf, RAND_BLOCK, next_rand() % blocks * RAND_BLOCK);
    ++ops;
    t = now_s() - t0;
  } while (t < seconds);
  if (write_op && fdatasync(fd) != 0) fail("fdatasync");
  result(write_op ? "rand_write" : "rand_read", (double)ops / t, "IOPS");
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "/dev/vda";
  double seconds = argc > 2 ? strtod(argv[2], NULL) : 3.0;
  if (seconds <= 0 || seconds > 600) {
    fprintf(stderr, "usage: disk-bench [DEVICE [SECONDS]]   (SECONDS 0..600)\n");
    return 2;
  }
  int fd = open_device(path);
  if (fd < 0) fail(path);
  uint64_t size = 0;
  struct stat st;
  /* A regular file works too (for trying it on a host): its size is the device's. */
  if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) fail("BLKGETSIZE64");
    size = (uint64_t)st.st_size;
  }
  if (size < SEQ_BLOCK) {
    errno = ENOSPC;
    fail("the device is smaller than 1 MiB");
  }
  unsigned char *buf;
  if (posix_memalign((void **)&buf, 4096, SEQ_BLOCK) != 0) fail("posix_memalign");
  sequential(fd, buf, size);
  random_io(0, fd, buf, size, seconds);
  random_io(1, fd, buf, size, seconds);
  printf("FLINT-BENCH-DONE disk\n");
  fflush(stdout);
  close(fd);
  return 0;
}
