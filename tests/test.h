/* mixscope — tiny test harness (after libuv's test/task.h and GSL's gsl_test_rel).
 * Each assert prints both values and the location, counts, and carries on;
 * TEST_MAIN_END returns non-zero if any check failed. Expected values in the
 * tests come from hand calculation or an independent computation noted beside
 * them, never from the code under test. */
#ifndef MIXSCOPE_TEST_H
#define MIXSCOPE_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mx_test_failures = 0;
static int mx_test_checks = 0;

#define MX_FAIL_(...)                                                          \
  do {                                                                         \
    fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                      \
    fprintf(stderr, __VA_ARGS__);                                              \
    fputc('\n', stderr);                                                       \
    mx_test_failures++;                                                        \
  } while (0)

#define ASSERT_TRUE(cond)                                                      \
  do { mx_test_checks++; if (!(cond)) MX_FAIL_("expected true: %s", #cond); } while (0)

#define ASSERT_INT_EQ(a, b)                                                    \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    mx_test_checks++;                                                          \
    if (a_ != b_) MX_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);          \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                    \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    mx_test_checks++;                                                          \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                     \
      MX_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",       \
               b_ ? b_ : "(null)");                                            \
  } while (0)

/* Substring check, for error messages: ASSERT_STR_CONTAINS(err.msg, "truncated"). */
#define ASSERT_STR_CONTAINS(hay, needle)                                       \
  do {                                                                         \
    const char *h_ = (hay), *n_ = (needle);                                    \
    mx_test_checks++;                                                          \
    if (!h_ || !strstr(h_, n_))                                                \
      MX_FAIL_("\"%s\" should contain \"%s\"", h_ ? h_ : "(null)", n_);        \
  } while (0)

/* |a-b| <= tol * max(1, |b|): relative for large values, absolute near 0.
 * Equal infinities of the same sign pass; NaN never passes unless both NaN. */
#define ASSERT_NEAR(a, b, tol)                                                 \
  do {                                                                         \
    double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol);             \
    int ok_;                                                                   \
    mx_test_checks++;                                                          \
    if (isnan(a_) || isnan(b_)) ok_ = isnan(a_) && isnan(b_);                  \
    else if (isinf(a_) || isinf(b_)) ok_ = a_ == b_;                           \
    else ok_ = fabs(a_ - b_) <= t_ * fmax(1.0, fabs(b_));                      \
    if (!ok_) MX_FAIL_("%s ~ %s: %.17g vs %.17g (tol %g)", #a, #b, a_, b_, t_); \
  } while (0)

#define TEST_MAIN_END()                                                        \
  do {                                                                         \
    fprintf(stderr, "%d checks, %d failed\n", mx_test_checks, mx_test_failures); \
    return mx_test_failures ? 1 : (mx_test_checks ? 0 : 1);                    \
  } while (0)

/* Directory for files the test writes (set by CTest), or "." */
static inline const char *mx_test_scratch(void) {
  const char *s = getenv("MX_SCRATCH");
  return s && *s ? s : ".";
}
/* The source tree (assets, sample data), set by CTest and compiled in. */
static inline const char *mx_test_srcdir(void) {
  const char *s = getenv("MX_SOURCE_DIR");
  return s && *s ? s : MX_SOURCE_DIR;
}

#endif
