/* libFuzzer harness: the IDX reader (raw and gzip) on arbitrary bytes.
 *
 * mx_idx_read takes a path, so each input is written into one anonymous
 * in-memory file (memfd) created once and read back through /proc/self/fd/N:
 * nothing touches /tmp. fuzz_idx_check() holds the invariants. Each input is
 * also gzip-compressed into a second memfd and read again (differential
 * check): the gzip path must accept exactly what the raw path accepts, with
 * the same bytes, and refuse the rest with the same status code; random bytes
 * alone would almost never form a valid deflate stream, so this is what
 * drives the gzip reader through every header / data / trailing case. The
 * regression test (tests/test_fuzz_regress.c) includes this file with
 * MX_FUZZ_NO_MAIN and runs both checks on every corpus / regress file. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "mixscope/idx.h"

/* Read path with mx_idx_read and check what a reader must guarantee. Returns
 * NULL when every invariant holds, else a description of the violation. */
static const char *fuzz_idx_check(const char *path) {
  mx_idx idx;
  mx_error err;
  int rc, i;
  memset(&idx, 0xA5, sizeof idx); /* garbage in: the reader must zero it */
  rc = mx_idx_read(path, &idx, &err);
  if (rc == MX_OK) {
    size_t prod = 1;
    if (err.code != MX_OK || err.msg[0]) return "success left an error message";
    if (idx.ndim < 1 || idx.ndim > MX_IDX_MAXDIM) return "success with ndim out of 1..4";
    for (i = 0; i < idx.ndim; i++) {
      if (idx.dims[i] == 0) return "success with a zero dimension";
      prod *= idx.dims[i];
    }
    if (prod != idx.size) return "success with size != product of dims";
    if (!idx.data) return "success without data";
    /* touch every byte: ASan catches a buffer shorter than size */
    {
      unsigned s = 0;
      size_t j;
      for (j = 0; j < idx.size; j++) s += idx.data[j];
      if (s == 0xFFFFFFFFu) fputs("", stderr);
    }
    mx_idx_free(&idx);
    if (idx.data || idx.size) return "mx_idx_free did not zero";
    return NULL;
  }
  if (rc >= 0) return "failure with a non-negative code";
  if (err.code != rc) return "err.code differs from the returned code";
  if (idx.data != NULL || idx.size != 0 || idx.ndim != 0) return "failure left *out non-empty";
  if (err.msg[0] == '\0') return "failure without a message";
  if (strncmp(err.msg, path, strlen(path)) != 0) return "error message does not start with the path";
  if (memchr(err.msg, '\0', sizeof err.msg) == NULL) return "message not NUL-terminated";
  return NULL;
}

/* gzip-compress data[0..size) into *out (malloc'd, *outlen bytes); 0 on success. */
static int fuzz_idx_gzip(const uint8_t *data, size_t size, uint8_t **out, size_t *outlen) {
  z_stream zs;
  size_t cap;
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  cap = (size_t)deflateBound(&zs, (uLong)size) + 64;
  *out = malloc(cap);
  if (!*out) {
    deflateEnd(&zs);
    return -1;
  }
  zs.next_in = (Bytef *)(uintptr_t)data;
  zs.avail_in = (uInt)size;
  zs.next_out = *out;
  zs.avail_out = (uInt)cap;
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
    deflateEnd(&zs);
    free(*out);
    *out = NULL;
    return -1;
  }
  *outlen = (size_t)zs.total_out;
  deflateEnd(&zs);
  return 0;
}

/* Differential check: raw_path holds the input bytes, gz_path the same bytes
 * gzip-compressed. Inputs that are themselves gzip (1f 8b) are skipped. NULL
 * if both reads agree. */
static const char *fuzz_idx_compare(const char *raw_path, const char *gz_path,
                                    const uint8_t *data, size_t size) {
  mx_idx a, b;
  mx_error ea, eb;
  int ra, rb;
  const char *bad = NULL;
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return NULL;
  ra = mx_idx_read(raw_path, &a, &ea);
  rb = mx_idx_read(gz_path, &b, &eb);
  if (ra != rb) {
    fprintf(stderr, "raw: %s\ngz:  %s\n", ra ? ea.msg : "ok", rb ? eb.msg : "ok");
    bad = "raw and gzip reads give different status codes";
  } else if (ra == MX_OK &&
             (a.ndim != b.ndim || a.size != b.size || memcmp(a.dims, b.dims, sizeof a.dims) ||
              memcmp(a.data, b.data, a.size))) {
    bad = "raw and gzip reads give different contents";
  }
  mx_idx_free(&a);
  mx_idx_free(&b);
  return bad;
}

#ifndef MX_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1, gfd = -1;
  static char path[64], gpath[64];
  const char *bad;
  uint8_t *gz = NULL;
  size_t gzlen = 0;
  if (fd < 0) {
    fd = memfd_create("mx-fuzz-idx", 0);
    gfd = memfd_create("mx-fuzz-idx-gz", 0);
    if (fd < 0 || gfd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    snprintf(gpath, sizeof gpath, "/proc/self/fd/%d", gfd);
  }
  if (ftruncate(fd, 0) != 0) abort();
  if (size && pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  bad = fuzz_idx_check(path);
  if (!bad && fuzz_idx_gzip(data, size, &gz, &gzlen) == 0) {
    if (ftruncate(gfd, 0) != 0 || pwrite(gfd, gz, gzlen, 0) != (ssize_t)gzlen) abort();
    free(gz);
    bad = fuzz_idx_check(gpath);
    if (!bad) bad = fuzz_idx_compare(path, gpath, data, size);
  }
  if (bad) {
    fprintf(stderr, "fuzz_idx: invariant violated: %s\n", bad);
    abort();
  }
  return 0;
}
#endif
