/* Tests of the packed byte path of mx_pca_fit_u8 (core/src/pca.c: non-zero
 * 4-pixel runs, rows padded with zero runs, the row-interleaved Lanczos
 * operator) on shapes that reach its edge cases: D not a multiple of 4 or 8
 * (partial last run), D = 8 (padding past the row), all-zero rows, rows with
 * every run non-zero, odd N split over 2 threads.
 *
 * Expected values: the same data as doubles through the dense solver
 * (mx_pca_fit, MX_PCA_DENSE: centred dsyrk + gsl_eigen_symmv), a path that
 * shares no code with the packed operator. Components must agree to 1e-9,
 * variances and means to 1e-10 (relative); 1 and 2 threads to 1e-11; two
 * runs with the same thread count bit for bit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/pca.h"
#include "test.h"

/* Deterministic bytes: x_ni = a_n p1_i + b_n p2_i + noise, three scales
 * well apart so the top eigenvalues are separated; sparse by construction. */
static void make_data(uint8_t *X, size_t N, size_t D, uint64_t seed) {
  uint64_t s = seed;
  size_t n, i;
  for (n = 0; n < N; n++) {
    unsigned a, b;
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    a = (unsigned)(s >> 33) % 41;
    b = (unsigned)(s >> 45) % 21;
    if (n % 17 == 3) a = b = 0; /* some rows have no pattern */
    for (i = 0; i < D; i++) {
      unsigned p1 = (i % 11) < 6 ? (unsigned)(i % 4) : 0, p2 = (i % 7) < 3 ? (unsigned)(i % 3) : 0;
      unsigned noise;
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      noise = (s >> 60) < 3 ? (unsigned)(s >> 40) % 6 : 0;
      if (n % 17 == 3) noise = 0;           /* all-zero rows */
      if (n % 23 == 5) noise = 1 + noise;   /* rows with every run non-zero */
      X[n * D + i] = (uint8_t)(a * p1 + b * p2 + noise);
    }
  }
}

static void check_shape(size_t N, size_t D, double scale) {
  uint8_t *X = malloc(N * D);
  double *Xd = malloc(N * D * sizeof *Xd);
  mx_pca *ref = mx_pca_alloc((int)D, 2), *p1 = mx_pca_alloc((int)D, 2);
  mx_pca *p2 = mx_pca_alloc((int)D, 2), *again = mx_pca_alloc((int)D, 2);
  mx_error e;
  size_t i;
  int k;
  if (!X || !Xd || !ref || !p1 || !p2 || !again) {
    ASSERT_TRUE(0);
    goto done;
  }
  make_data(X, N, D, 0x1234 + D);
  for (i = 0; i < N * D; i++) Xd[i] = scale * X[i];
  ref->method = MX_PCA_DENSE;
  ASSERT_INT_EQ(mx_pca_fit(ref, Xd, N, &e), MX_OK);
  p1->method = p2->method = again->method = MX_PCA_LANCZOS;
  p1->threads = again->threads = 1;
  p2->threads = 2;
  ASSERT_INT_EQ(mx_pca_fit_u8(p1, X, N, scale, &e), MX_OK);
  ASSERT_INT_EQ(mx_pca_fit_u8(p2, X, N, scale, &e), MX_OK);
  ASSERT_INT_EQ(mx_pca_fit_u8(again, X, N, scale, &e), MX_OK);
  ASSERT_INT_EQ(p1->used, MX_PCA_LANCZOS);
  ASSERT_INT_EQ(p2->used, MX_PCA_LANCZOS);
  /* the data must have a clear gap, or the comparison means little */
  ASSERT_TRUE(ref->variance[1] < 0.9 * ref->variance[0]);
  for (k = 0; k < 2; k++) {
    ASSERT_NEAR(p1->variance[k] / ref->variance[k], 1.0, 1e-10);
    ASSERT_NEAR(p2->variance[k] / ref->variance[k], 1.0, 1e-10);
  }
  ASSERT_NEAR(p1->total_variance / ref->total_variance, 1.0, 1e-12);
  for (i = 0; i < D; i++) ASSERT_NEAR(p1->mean[i], ref->mean[i], 1e-12);
  for (i = 0; i < 2 * D; i++) {
    ASSERT_NEAR(p1->components[i], ref->components[i], 1e-9);
    ASSERT_NEAR(p2->components[i], p1->components[i], 1e-11);
  }
  ASSERT_TRUE(memcmp(p1->components, again->components, 2 * D * sizeof(double)) == 0);
  ASSERT_TRUE(memcmp(p1->variance, again->variance, 2 * sizeof(double)) == 0);
done:
  mx_pca_free(ref);
  mx_pca_free(p1);
  mx_pca_free(p2);
  mx_pca_free(again);
  free(X);
  free(Xd);
}

int main(void) {
  check_shape(301, 8, 1.0);         /* 2 runs, padded to 4 */
  check_shape(500, 13, 1.0 / 255);  /* last run holds 1 pixel */
  check_shape(257, 30, 0.5);        /* last run holds 2 pixels */
  check_shape(999, 101, 1.0 / 255); /* Dp = 104, odd run count */
  check_shape(2000, 196, 1.0 / 255);
  TEST_MAIN_END();
}
