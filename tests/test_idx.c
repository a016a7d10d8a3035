/* test_idx — IDX reader/writer on hand-made files (raw and gzip), every error path.
 * Input files are written byte by byte here (gzip through zlib's gzwrite), so
 * the expected values are simply the bytes written. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "mixscope/idx.h"
#include "test.h"

static char path_buf[1024];

static const char *scratch_path(const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", mx_test_scratch(), name);
  return path_buf;
}

static void write_raw(const char *path, const void *b, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (!fp) {
    fprintf(stderr, "cannot create %s\n", path);
    exit(1);
  }
  if (n) fwrite(b, 1, n, fp);
  fclose(fp);
}

static void write_gz(const char *path, const void *b, size_t n) {
  gzFile gz = gzopen(path, "wb");
  if (!gz) {
    fprintf(stderr, "cannot create %s\n", path);
    exit(1);
  }
  if (n) gzwrite(gz, b, (unsigned)n);
  gzclose(gz);
}

static size_t read_bytes(const char *path, unsigned char *buf, size_t cap) {
  FILE *fp = fopen(path, "rb");
  size_t n;
  if (!fp) return 0;
  n = fread(buf, 1, cap, fp);
  fclose(fp);
  return n;
}

/* Read a file that must fail with `code` and a message containing `needle`
 * (and always the path); *out must come back zeroed. */
static void expect_fail(const char *path, int code, const char *needle) {
  mx_idx idx;
  mx_error err;
  int rc;
  memset(&idx, 0xAB, sizeof idx);
  rc = mx_idx_read(path, &idx, &err);
  ASSERT_INT_EQ(rc, code);
  ASSERT_INT_EQ(err.code, code);
  ASSERT_STR_CONTAINS(err.msg, path);
  ASSERT_STR_CONTAINS(err.msg, needle);
  ASSERT_TRUE(idx.data == NULL && idx.ndim == 0 && idx.size == 0);
  if (rc != code) fprintf(stderr, "  (file %s: %s)\n", path, err.msg);
}

/* The same bytes as a raw file and as a gzip file, both must fail alike. */
static void expect_fail_both(const char *name, const unsigned char *b, size_t n, int code,
                             const char *needle, const char *gz_needle) {
  char gzname[256];
  write_raw(scratch_path(name), b, n);
  expect_fail(scratch_path(name), code, needle);
  snprintf(gzname, sizeof gzname, "%s.gz", name);
  write_gz(scratch_path(gzname), b, n);
  expect_fail(scratch_path(gzname), code, gz_needle ? gz_needle : needle);
}

static void test_good(void) {
  /* 3-D: 2 items of 2x3; data 1..12. Header: 00 00 08 03, 2, 2, 3 big-endian. */
  unsigned char f[4 + 12 + 12] = {0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};
  const char *names[2] = {"good3.idx", "good3.idx.gz"};
  int k, i;
  for (i = 0; i < 12; i++) f[16 + i] = (unsigned char)(i + 1);
  write_raw(scratch_path(names[0]), f, sizeof f);
  write_gz(scratch_path(names[1]), f, sizeof f);
  for (k = 0; k < 2; k++) {
    mx_idx idx;
    mx_error err;
    int rc = mx_idx_read(scratch_path(names[k]), &idx, &err);
    ASSERT_INT_EQ(rc, MX_OK);
    ASSERT_INT_EQ(err.code, MX_OK);
    ASSERT_INT_EQ(idx.ndim, 3);
    ASSERT_INT_EQ(idx.dims[0], 2);
    ASSERT_INT_EQ(idx.dims[1], 2);
    ASSERT_INT_EQ(idx.dims[2], 3);
    ASSERT_INT_EQ(idx.size, 12);
    if (idx.data) {
      ASSERT_INT_EQ(idx.data[0], 1);
      ASSERT_INT_EQ(idx.data[5], 6);
      ASSERT_INT_EQ(idx.data[11], 12);
    }
    mx_idx_free(&idx);
    ASSERT_TRUE(idx.data == NULL);
  }
  /* A gzip file whose name has no .gz still loads (detection by magic). */
  write_gz(scratch_path("gz-without-suffix.idx"), f, sizeof f);
  {
    mx_idx idx;
    mx_error err;
    ASSERT_INT_EQ(mx_idx_read(scratch_path("gz-without-suffix.idx"), &idx, &err), MX_OK);
    ASSERT_INT_EQ(idx.size, 12);
    mx_idx_free(&idx);
  }
  /* 1-D with 255 in it (labels-like): 00 00 08 01, 4, then 9 0 255 7. */
  {
    unsigned char g[] = {0, 0, 8, 1, 0, 0, 0, 4, 9, 0, 255, 7};
    mx_idx idx;
    mx_error err;
    write_raw(scratch_path("good1.idx"), g, sizeof g);
    ASSERT_INT_EQ(mx_idx_read(scratch_path("good1.idx"), &idx, &err), MX_OK);
    ASSERT_INT_EQ(idx.ndim, 1);
    ASSERT_INT_EQ(idx.dims[0], 4);
    if (idx.data) {
      ASSERT_INT_EQ(idx.data[2], 255);
      ASSERT_INT_EQ(idx.data[3], 7);
    }
    mx_idx_free(&idx);
  }
  /* 4-D, sizes over 255 so all big-endian bytes matter: 1x1x1x300 (0x0000012C). */
  {
    unsigned char h[4 + 16 + 300] = {0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0x2C};
    mx_idx idx;
    mx_error err;
    for (i = 0; i < 300; i++) h[20 + i] = (unsigned char)(i % 251);
    write_raw(scratch_path("good4.idx"), h, sizeof h);
    ASSERT_INT_EQ(mx_idx_read(scratch_path("good4.idx"), &idx, &err), MX_OK);
    ASSERT_INT_EQ(idx.ndim, 4);
    ASSERT_INT_EQ(idx.dims[3], 300);
    ASSERT_INT_EQ(idx.size, 300);
    if (idx.data) ASSERT_INT_EQ(idx.data[299], 299 % 251);
    mx_idx_free(&idx);
  }
  mx_idx_free(NULL);
}

static void test_errors(void) {
  mx_error err;
  mx_idx idx;
  /* Nonexistent file. */
  expect_fail(scratch_path("does-not-exist.idx"), MX_ENOENT, "No such file");
  /* A directory is not an IDX file. */
  expect_fail(mx_test_scratch(), MX_EIO, "not a regular file");
  /* Empty raw file, and a valid gzip stream of zero bytes. */
  write_raw(scratch_path("empty.idx"), "", 0);
  expect_fail(scratch_path("empty.idx"), MX_EEMPTY, "empty");
  write_gz(scratch_path("empty-content.idx.gz"), "", 0);
  expect_fail(scratch_path("empty-content.idx.gz"), MX_EEMPTY, "0 bytes");
  /* Wrong magic: first two bytes 01 00. */
  {
    unsigned char b[] = {1, 0, 8, 1, 0, 0, 0, 1, 5};
    expect_fail_both("magic.idx", b, sizeof b, MX_EMAGIC, "0x01 0x00", NULL);
  }
  /* Wrong type: 0x0D (float) is named in the message. */
  {
    unsigned char b[] = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0};
    expect_fail_both("type.idx", b, sizeof b, MX_ETYPE, "0x0d (float)", NULL);
  }
  /* ndim 0 and ndim 5. */
  {
    unsigned char b0[] = {0, 0, 8, 0};
    unsigned char b5[] = {0, 0, 8, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0};
    expect_fail_both("ndim0.idx", b0, sizeof b0, MX_EDIMS, "0 dimensions", NULL);
    expect_fail_both("ndim5.idx", b5, sizeof b5, MX_EDIMS, "5 dimensions", NULL);
  }
  /* A zero dimension: 3 x 0. */
  {
    unsigned char b[] = {0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 0};
    expect_fail_both("zerodim.idx", b, sizeof b, MX_EDIMS, "dimension 1 of 3x0 is zero", NULL);
  }
  /* Product overflow: (2^32-1)^4 > SIZE_MAX. */
  {
    unsigned char b[4 + 16] = {0, 0, 8, 4};
    memset(b + 4, 0xFF, 16);
    expect_fail_both("overflow.idx", b, sizeof b, MX_EDIMS, "overflow", NULL);
  }
  /* Absurd but representable: 65536 x 32768 = 2^31 bytes > 1 GiB. */
  {
    unsigned char b[] = {0, 0, 8, 2, 0, 1, 0, 0, 0, 0, 0x80, 0};
    expect_fail_both("toobig.idx", b, sizeof b, MX_ETOOBIG, "2147483648 bytes", NULL);
  }
  /* Truncated header: 2 dims promised, only 1.5 given. */
  {
    unsigned char b[] = {0, 0, 8, 2, 0, 0, 0, 3, 0, 0};
    expect_fail_both("trunchdr.idx", b, sizeof b, MX_ETRUNC, "expected 12 bytes", NULL);
    unsigned char c[] = {0, 0, 8};
    expect_fail_both("trunchdr3.idx", c, sizeof c, MX_ETRUNC, "got 3", NULL);
  }
  /* Data truncated (header exceeds the file): 10 bytes promised, 7 given. */
  {
    unsigned char b[] = {0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7};
    expect_fail_both("truncdata.idx", b, sizeof b, MX_ETRUNC, "10 data bytes but the file has 7",
                     "10 data bytes but the decompressed stream has 7");
  }
  /* Trailing bytes: 3 promised, 5 given. */
  {
    unsigned char b[] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5};
    expect_fail_both("trailing.idx", b, sizeof b, MX_ESIZE, "2 trailing bytes", NULL);
  }
  /* Corrupt gzip: valid gzip magic followed by garbage. */
  {
    unsigned char b[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef,
                         0xde, 0xad, 0xbe, 0xef, 0x12, 0x34, 0x56, 0x78};
    write_raw(scratch_path("corrupt.idx.gz"), b, sizeof b);
    expect_fail(scratch_path("corrupt.idx.gz"), MX_EGZIP, "corrupt gzip");
  }
  /* A gzip file cut in half (a truncated download). */
  {
    unsigned char f[8 + 2000] = {0, 0, 8, 1, 0, 0, 0x07, 0xD0};
    unsigned char z[4096];
    size_t zn, i;
    for (i = 0; i < 2000; i++) f[8 + i] = (unsigned char)((i * 7919u) >> 3);
    write_gz(scratch_path("full.idx.gz"), f, sizeof f);
    ASSERT_INT_EQ(mx_idx_read(scratch_path("full.idx.gz"), &idx, &err), MX_OK);
    mx_idx_free(&idx);
    zn = read_bytes(scratch_path("full.idx.gz"), z, sizeof z);
    ASSERT_TRUE(zn > 40);
    write_raw(scratch_path("cut.idx.gz"), z, zn / 2);
    expect_fail(scratch_path("cut.idx.gz"), MX_EGZIP, "corrupt gzip");
  }
  /* NULL / empty path. */
  ASSERT_INT_EQ(mx_idx_read("", &idx, &err), MX_EINVAL);
}

/* .gz files: the header's size claim is only checked when the stream ends, so
 * the reader must grow its buffer as data arrives. */
static void test_gz_growth(void) {
  mx_idx idx;
  mx_error err;
  size_t i, n = 1700 * 1000 * 2, hdr = 4 + 3 * 4;
  unsigned char *f = malloc(hdr + n);
  /* 1000 x 1000 x 1000 = 1e9 bytes claimed (under the 1 GiB limit), 10 present. */
  static const unsigned char liar[4 + 12 + 10] = {0, 0, 8, 3, 0, 0, 3, 0xe8, 0, 0, 3, 0xe8,
                                                  0, 0, 3, 0xe8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  pid_t pid;
  int status = -1;

  /* 3.4 MB, more than the first 1 MiB chunk: every byte arrives in place. */
  ASSERT_TRUE(f != NULL);
  memcpy(f, (const unsigned char[]){0, 0, 8, 3, 0, 0, 0x06, 0xa4, 0, 0, 0x03, 0xe8, 0, 0, 0, 2}, hdr);
  for (i = 0; i < n; i++) f[hdr + i] = (unsigned char)((i * 7919u) >> 3);
  write_gz(scratch_path("big.idx.gz"), f, hdr + n);
  ASSERT_INT_EQ(mx_idx_read(scratch_path("big.idx.gz"), &idx, &err), MX_OK);
  ASSERT_TRUE(idx.size == n && idx.dims[0] == 1700 && idx.dims[1] == 1000 && idx.dims[2] == 2);
  ASSERT_TRUE(memcmp(idx.data, f + hdr, n) == 0);
  mx_idx_free(&idx);
  free(f);

  write_gz(scratch_path("liar.idx.gz"), liar, sizeof liar);
  expect_fail(scratch_path("liar.idx.gz"), MX_ETRUNC, "decompressed stream has 10");
  /* ... and it fails that way with 256 MiB of address space, i.e. without
   * reserving the claimed 1e9 bytes. (ASan reserves terabytes of address space
   * itself, so this half runs only without it.) */
#if defined(__SANITIZE_ADDRESS__)
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return;
#endif
#endif
  fflush(NULL);
  pid = fork();
  ASSERT_TRUE(pid >= 0);
  if (pid == 0) {
    struct rlimit rl = {(rlim_t)256 << 20, (rlim_t)256 << 20};
    mx_error cerr;
    mx_idx cidx;
    setrlimit(RLIMIT_AS, &rl);
    _exit(mx_idx_read(scratch_path("liar.idx.gz"), &cidx, &cerr) == MX_ETRUNC ? 0 : 1);
  }
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_write(void) {
  /* Raw write must produce exactly the hand-written bytes. */
  const size_t dims[2] = {2, 258}; /* 258 = 0x102 */
  uint8_t data[516];
  unsigned char got[1024];
  unsigned char expect_hdr[12] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 1, 2};
  mx_error err;
  mx_idx idx;
  size_t i, n;
  for (i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 13);
  ASSERT_INT_EQ(mx_idx_write(scratch_path("w.idx"), 2, dims, data, 0, &err), MX_OK);
  n = read_bytes(scratch_path("w.idx"), got, sizeof got);
  ASSERT_INT_EQ(n, 12 + 516);
  ASSERT_TRUE(memcmp(got, expect_hdr, 12) == 0);
  ASSERT_TRUE(memcmp(got + 12, data, 516) == 0);
  /* gzip write: gunzip with zlib's own reader, compare the same bytes. */
  ASSERT_INT_EQ(mx_idx_write(scratch_path("w.idx.gz"), 2, dims, data, 1, &err), MX_OK);
  n = read_bytes(scratch_path("w.idx.gz"), got, 2);
  ASSERT_TRUE(n == 2 && got[0] == 0x1f && got[1] == 0x8b);
  {
    gzFile gz = gzopen(scratch_path("w.idx.gz"), "rb");
    int r = gz ? gzread(gz, got, sizeof got) : -1;
    if (gz) gzclose(gz);
    ASSERT_INT_EQ(r, 12 + 516);
    ASSERT_TRUE(memcmp(got, expect_hdr, 12) == 0);
    ASSERT_TRUE(memcmp(got + 12, data, 516) == 0);
  }
  /* And round trip through the reader. */
  ASSERT_INT_EQ(mx_idx_read(scratch_path("w.idx.gz"), &idx, &err), MX_OK);
  ASSERT_INT_EQ(idx.dims[1], 258);
  if (idx.data) ASSERT_TRUE(memcmp(idx.data, data, 516) == 0);
  mx_idx_free(&idx);
  /* Bad arguments. */
  {
    const size_t zd[1] = {0};
    const size_t big[2] = {65536, 32768};
    ASSERT_INT_EQ(mx_idx_write(scratch_path("bad.idx"), 0, dims, data, 0, &err), MX_EDIMS);
    ASSERT_INT_EQ(mx_idx_write(scratch_path("bad.idx"), 5, dims, data, 0, &err), MX_EDIMS);
    ASSERT_INT_EQ(mx_idx_write(scratch_path("bad.idx"), 1, zd, data, 0, &err), MX_EDIMS);
    ASSERT_STR_CONTAINS(err.msg, "dimension 0 is 0");
    ASSERT_INT_EQ(mx_idx_write(scratch_path("bad.idx"), 2, big, data, 0, &err), MX_ETOOBIG);
  }
  /* Writing into a missing directory fails with MX_EIO and leaves nothing. */
  ASSERT_INT_EQ(mx_idx_write(scratch_path("no/such/dir/x.idx"), 2, dims, data, 0, &err), MX_EIO);
  ASSERT_STR_CONTAINS(err.msg, "no/such/dir/x.idx");
}

int main(void) {
  test_good();
  test_errors();
  test_gz_growth();
  test_write();
  TEST_MAIN_END();
}
