/* libFuzzer harness: the points CSV reader (mx_points_read_csv).
 *
 * Input layout: byte 0 picks the reader's arguments (d = b % 4 coordinate
 * columns demanded, 0 = infer; k = (b / 4) % 8 label classes, 0 = unchecked),
 * the rest is the CSV text, written to an in-memory file (memfd). A
 * successful read must be self-consistent (finite coordinates, labels in
 * range, counts and source lines right) and survive a write / re-read round
 * trip bit for bit (the writer prints 17 significant digits). The regression
 * test includes this file with MX_FUZZ_NO_MAIN and calls fuzz_points_check. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memfd_create */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mixscope/points.h"

/* Invariants of a successful read. NULL if all hold. */
static const char *fuzz_points_valid(const mx_points *p, int d, int k) {
  size_t i, nl = 0;
  int maxl = -1, j;
  if (p->n == 0) return "success with no points";
  if (p->d < 1 || p->d > MX_POINTS_MAXD) return "success with d out of range";
  if (d > 0 && p->d != d) return "success with a different d than demanded";
  if (p->cap < p->n || !p->x || !p->label || !p->line) return "success with bad arrays";
  for (i = 0; i < p->n; i++) {
    for (j = 0; j < p->d; j++)
      if (!isfinite(p->x[i * (size_t)p->d + (size_t)j])) return "non-finite coordinate accepted";
    if (p->label[i] < -1) return "label below -1 accepted";
    if (k > 0 && p->label[i] >= k) return "label >= k accepted";
    if (p->label[i] >= 0) {
      nl++;
      if (p->label[i] > maxl) maxl = p->label[i];
    }
    if (p->line[i] == 0) return "point without a source line";
    if (i > 0 && p->line[i] <= p->line[i - 1]) return "source lines not increasing";
  }
  if (nl != p->nlabelled) return "nlabelled wrong";
  if (maxl != p->max_label) return "max_label wrong";
  if (!p->has_label_col && nl) return "labels without a label column";
  return NULL;
}

/* Check the failure contract: *out zeroed, code matches, message names path. */
static const char *fuzz_points_failure(const char *path, int rc, const mx_points *p,
                                       const mx_error *err) {
  if (rc >= 0) return "failure with a non-negative code";
  if (err->code != rc) return "err.code differs from the returned code";
  if (p->n || p->x || p->label || p->line || p->d) return "failure left *out non-empty";
  if (!err->msg[0]) return "failure without a message";
  if (strncmp(err->msg, path, strlen(path)) != 0) return "error message does not start with the path";
  return NULL;
}

/* Read path with (d, k) and check; rt_path (may be NULL) is a scratch path for
 * the write / re-read round trip. NULL if every invariant holds. */
static const char *fuzz_points_check(const char *path, int d, int k, const char *rt_path) {
  mx_points p, q;
  mx_error err;
  const char *bad;
  int rc;
  memset(&p, 0x5A, sizeof p); /* garbage in: the reader must zero it */
  mx_error_clear(&err);
  rc = mx_points_read_csv(path, d, k, &p, &err);
  if (rc != MX_OK) return fuzz_points_failure(path, rc, &p, &err);
  bad = fuzz_points_valid(&p, d, k);
  if (!bad && mx_points_check_labels(&p, k > 0 ? k : p.max_label + 1, path, &err) != MX_OK)
    bad = "mx_points_check_labels rejects what the reader accepted";
  if (!bad && rt_path) {
    if (mx_points_write_csv(rt_path, &p, &err) != MX_OK) {
      bad = "writing the points back failed";
    } else if (mx_points_read_csv(rt_path, p.d, 0, &q, &err) != MX_OK) {
      fprintf(stderr, "re-read: %s\n", err.msg);
      bad = "re-reading the written CSV failed";
    } else {
      if (q.n != p.n || q.d != p.d)
        bad = "round trip changed the shape";
      else if (memcmp(q.x, p.x, p.n * (size_t)p.d * sizeof *p.x) != 0)
        bad = "round trip changed a coordinate";
      else if (memcmp(q.label, p.label, p.n * sizeof *p.label) != 0)
        bad = "round trip changed a label";
      mx_points_free(&q);
    }
  }
  mx_points_free(&p);
  if (p.x || p.n) bad = "mx_points_free did not zero";
  return bad;
}

/* The reader arguments encoded in an input's first byte. */
static void fuzz_points_args(uint8_t b, int *d, int *k) {
  *d = b % 4;
  *k = (b / 4) % 8;
}

#ifndef MX_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64], rt[96];
  const char *bad;
  int d, k;
  if (fd < 0) {
    fd = memfd_create("mx-fuzz-points", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    snprintf(rt, sizeof rt, "/dev/shm/mx-fuzz-points-%ld.csv", (long)getpid());
  }
  if (size < 1) return 0;
  fuzz_points_args(data[0], &d, &k);
  if (ftruncate(fd, 0) != 0) abort();
  if (size > 1 && pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1)) abort();
  bad = fuzz_points_check(path, d, k, rt);
  if (bad) {
    fprintf(stderr, "fuzz_points: invariant violated (d=%d k=%d): %s\n", d, k, bad);
    abort();
  }
  return 0;
}
#endif
