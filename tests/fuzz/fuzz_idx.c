/* libFuzzer harness: the IDX reader (raw and gzip) on arbitrary bytes.
 *
 * mx_idx_read takes a path, so each input is written into one anonymous
 * in-memory file (memfd) created once and read back through /proc/self/fd/N:
 * nothing touches /tmp. fuzz_idx_check() holds the invariants; the regression
 * test (tests/test_fuzz_regress.c) includes this file with MX_FUZZ_NO_MAIN and
 * runs the same check on every corpus / regress file in the normal build. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

#ifndef MX_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64];
  const char *bad;
  if (fd < 0) {
    fd = memfd_create("mx-fuzz-idx", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0) abort();
  if (size && pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  bad = fuzz_idx_check(path);
  if (bad) {
    fprintf(stderr, "fuzz_idx: invariant violated: %s\n", bad);
    abort();
  }
  return 0;
}
#endif
