/* libFuzzer harness: the GMM parameter JSON reader (mx_gmm_json_read, which
 * parses with cJSON and validates through mx_gmm_json_parse).
 *
 * Each input is written to an in-memory file (memfd). A successful read must
 * give a valid model (weights >= 0 summing to 1, finite means, symmetric
 * covariances with a finite Cholesky factor and log-determinant), a log
 * density that is never NaN at the means and at the origin, and a write /
 * re-read round trip that reproduces every parameter bit for bit. The
 * regression test includes this file with MX_FUZZ_NO_MAIN. */
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

#include "mixscope/gmm.h"

/* Invariants of a model the reader accepted. NULL if all hold. */
static const char *fuzz_gmm_valid(const mx_gmm *g) {
  size_t K, D, k, i, j;
  double sum = 0.0, x0[MX_GMM_MAXD], lp;
  if (g->K < 1 || g->K > MX_GMM_MAXK || g->D < 1 || g->D > MX_GMM_MAXD) return "K or D out of range";
  K = (size_t)g->K;
  D = (size_t)g->D;
  for (k = 0; k < K; k++) {
    const double *c = g->covs + k * D * D, *L = g->chol + k * D * D;
    if (!isfinite(g->weights[k]) || g->weights[k] < 0.0) return "bad weight accepted";
    sum += g->weights[k];
    for (i = 0; i < D; i++) {
      if (!isfinite(g->means[k * D + i])) return "non-finite mean accepted";
      if (!(L[i * D + i] > 0.0)) return "Cholesky diagonal not positive";
      for (j = 0; j < D; j++) {
        if (!isfinite(c[i * D + j])) return "non-finite covariance stored";
        if (c[i * D + j] != c[j * D + i]) return "stored covariance not symmetric";
        if (!isfinite(L[i * D + j])) return "non-finite Cholesky factor";
        if (j > i && L[i * D + j] != 0.0) return "Cholesky factor not lower triangular";
      }
    }
    if (!isfinite(g->logdet[k])) return "non-finite log-determinant";
    if (g->collapsed[k]) return "fresh model flagged collapsed";
  }
  if (fabs(sum - 1.0) > 1e-6) return "weights do not sum to 1";
  memset(x0, 0, sizeof x0);
  if (mx_gmm_log_density(g, x0, 1, &lp) != MX_OK || isnan(lp)) return "log density NaN at the origin";
  for (k = 0; k < K; k++) {
    if (mx_gmm_log_density(g, g->means + k * D, 1, &lp) != MX_OK || isnan(lp))
      return "log density NaN at a mean";
    if (g->weights[k] > 0.0 && lp == -INFINITY) return "log density -inf at the mean of a weighted component";
  }
  return NULL;
}

/* Read path and check; rt_path (may be NULL) is a scratch path for the round
 * trip. NULL if every invariant holds. */
static const char *fuzz_gmm_json_check(const char *path, const char *rt_path) {
  mx_gmm *g = (mx_gmm *)(uintptr_t)1, *h = NULL;
  mx_error err;
  const char *bad;
  size_t K, D;
  int rc = mx_gmm_json_read(path, &g, &err);
  if (rc != MX_OK) {
    if (g != NULL) return "failure left *out non-NULL";
    if (rc >= 0) return "failure with a non-negative code";
    if (err.code != rc) return "err.code differs from the returned code";
    if (!err.msg[0]) return "failure without a message";
    if (strncmp(err.msg, path, strlen(path)) != 0) return "error message does not start with the path";
    return NULL;
  }
  if (!g) return "success without a model";
  bad = fuzz_gmm_valid(g);
  K = (size_t)g->K;
  D = (size_t)g->D;
  if (!bad && rt_path) {
    if (mx_gmm_json_write(rt_path, g, &err) != MX_OK) {
      bad = "writing the parameters back failed";
    } else if (mx_gmm_json_read(rt_path, &h, &err) != MX_OK) {
      fprintf(stderr, "re-read: %s\n", err.msg);
      bad = "re-reading the written parameters failed";
    } else if (h->K != g->K || h->D != g->D) {
      bad = "round trip changed K or D";
    } else if (memcmp(h->weights, g->weights, K * sizeof *g->weights) ||
               memcmp(h->means, g->means, K * D * sizeof *g->means) ||
               memcmp(h->covs, g->covs, K * D * D * sizeof *g->covs)) {
      bad = "round trip changed a parameter";
    }
    mx_gmm_free(h);
  }
  mx_gmm_free(g);
  return bad;
}

#ifndef MX_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64], rt[96];
  const char *bad;
  if (fd < 0) {
    fd = memfd_create("mx-fuzz-gmm-json", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    snprintf(rt, sizeof rt, "/dev/shm/mx-fuzz-gmm-%ld.json", (long)getpid());
  }
  if (ftruncate(fd, 0) != 0) abort();
  if (size && pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  bad = fuzz_gmm_json_check(path, rt);
  if (bad) {
    fprintf(stderr, "fuzz_gmm_json: invariant violated: %s\n", bad);
    abort();
  }
  return 0;
}
#endif
