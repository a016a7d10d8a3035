/* Tests of core/src/points.c: the CSV reader's accepted forms and every error
 * message (exact text, hand-written), the atomic writer's round trip, and
 * the seeded presets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/fileio.h"
#include "mixscope/points.h"
#include "test.h"

static char csv_path[1200];

/* Write text to scratch/p.csv and read it; the message keeps only "p.csv...". */
static int rd(const char *text, int d, int k, mx_points *p, mx_error *e) {
  int rc;
  snprintf(csv_path, sizeof csv_path, "%s/p.csv", mx_test_scratch());
  mx_file_write_atomic(csv_path, text, strlen(text), NULL);
  mx_error_clear(e);
  rc = mx_points_read_csv(csv_path, d, k, p, e);
  if (rc != MX_OK) {
    const char *s = strstr(e->msg, "p.csv");
    if (s) memmove(e->msg, s, strlen(s) + 1);
  }
  return rc;
}

static void test_accepts(void) {
  mx_points p;
  mx_error e;
  /* Header, blank lines, CRLF, spaces, comment, empty label = unlabelled. */
  ASSERT_INT_EQ(rd("x,y,label\r\n1.5, -2,0\r\n\r\n  # comment\n3e2,4,\n5,6,-1\n7,8,2\n", 0, 3, &p,
                   &e),
                MX_OK);
  ASSERT_INT_EQ(p.n, 4);
  ASSERT_INT_EQ(p.d, 2);
  ASSERT_NEAR(p.x[0], 1.5, 0);
  ASSERT_NEAR(p.x[1], -2.0, 0);
  ASSERT_NEAR(p.x[2], 300.0, 0);
  ASSERT_INT_EQ(p.label[0], 0);
  ASSERT_INT_EQ(p.label[1], -1);
  ASSERT_INT_EQ(p.label[2], -1);
  ASSERT_INT_EQ(p.label[3], 2);
  ASSERT_INT_EQ(p.nlabelled, 2);
  ASSERT_INT_EQ(p.max_label, 2);
  ASSERT_INT_EQ(p.line[3], 7);
  ASSERT_INT_EQ(p.has_label_col, 1);
  mx_points_free(&p);
  /* No header, two columns: no labels. */
  ASSERT_INT_EQ(rd("1,2\n3,4\n", 0, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(p.n, 2);
  ASSERT_INT_EQ(p.nlabelled, 0);
  ASSERT_INT_EQ(p.has_label_col, 0);
  mx_points_free(&p);
  /* No header, three columns: the third is the label. */
  ASSERT_INT_EQ(rd("1,2,1\n3,4,0\n", 0, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(p.d, 2);
  ASSERT_INT_EQ(p.label[0], 1);
  mx_points_free(&p);
  /* Header naming 3 coordinates, no label column: D = 3. */
  ASSERT_INT_EQ(rd("x1,x2,x3\n1,2,3\n4,5,6\n", 0, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(p.d, 3);
  ASSERT_NEAR(p.x[5], 6.0, 0);
  mx_points_free(&p);
  /* d given: 3 columns with d = 3 are coordinates. */
  ASSERT_INT_EQ(rd("1,2,3\n", 3, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(p.d, 3);
  ASSERT_INT_EQ(p.has_label_col, 0);
  mx_points_free(&p);
  /* No trailing newline, tiny and huge finite values, underflow to 0 is fine. */
  ASSERT_INT_EQ(rd("1e-300,1e300\n1e-400,-2", 0, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(p.n, 2);
  ASSERT_NEAR(p.x[1], 1e300, 0);
  mx_points_free(&p);
}

static void test_errors(void) {
  mx_points p;
  mx_error e;
  ASSERT_INT_EQ(rd("", 0, 0, &p, &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "p.csv: empty file (expected rows x,y[,label])");
  ASSERT_TRUE(p.x == NULL && p.n == 0);
  ASSERT_INT_EQ(rd("x,y\n\n", 0, 0, &p, &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "p.csv: no data rows after the header");
  ASSERT_INT_EQ(rd("\n# nothing\n", 0, 0, &p, &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "p.csv: no data rows");
  ASSERT_INT_EQ(rd("1,2\n3,abc\n", 0, 0, &p, &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: field 2 ('abc') is not a number");
  ASSERT_INT_EQ(rd("1,2\n,4\n", 0, 0, &p, &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: field 1 is empty");
  ASSERT_INT_EQ(rd("1,2\n3,nan\n", 0, 0, &p, &e), MX_ENONFINITE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: field 2 ('nan') is not a finite number");
  ASSERT_INT_EQ(rd("x,y\n1,2\n-inf,2\n", 0, 0, &p, &e), MX_ENONFINITE);
  ASSERT_STR_EQ(e.msg, "p.csv:3: field 1 ('-inf') is not a finite number");
  ASSERT_INT_EQ(rd("1,2\n1e999,2\n", 0, 0, &p, &e), MX_ENONFINITE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: field 1 ('1e999') is not a finite number");
  ASSERT_INT_EQ(rd("1,2\n3,4\n5,6,7\n", 0, 0, &p, &e), MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.csv:3: 3 fields, expected 2 (as on line 1)");
  ASSERT_INT_EQ(rd("x,y,label\n1,2,0\n3,4\n", 0, 0, &p, &e), MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.csv:3: 2 fields, expected 3 (as on line 1)");
  ASSERT_INT_EQ(rd("5\n", 0, 0, &p, &e), MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.csv:1: 1 field, expected at least 2 (x,y[,label])");
  ASSERT_INT_EQ(rd("1,2,3,4\n", 2, 0, &p, &e), MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.csv:1: 4 fields, expected 2 or 3 (x,y[,label])");
  ASSERT_INT_EQ(rd("a,b,c\n1,2,3\n", 2, 0, &p, &e), MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.csv:1: header has 3 coordinate columns, expected 2");
  ASSERT_INT_EQ(rd("x,y,label\n1,2,0\n3,4,3\n", 0, 3, &p, &e), MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "p.csv:3: label 3 out of range 0..2 (K = 3; -1 or empty = unlabelled)");
  ASSERT_INT_EQ(rd("1,2,-2\n", 0, 0, &p, &e), MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "p.csv:1: label -2 out of range (>= 0, or -1 / empty = unlabelled)");
  ASSERT_INT_EQ(rd("1,2,0\n1,2,1.5\n", 0, 0, &p, &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: label '1.5' is not an integer");
  ASSERT_INT_EQ(rd("1,2,0\n1,2,b\n", 0, 0, &p, &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: label 'b' is not an integer");
  ASSERT_INT_EQ(rd("1,2\n3,4\0,5\n", 0, 0, &p, &e), MX_OK); /* strlen stops at NUL: text only */
  mx_points_free(&p);
  {
    /* A real NUL byte in the file. */
    static const char bin[] = "1,2\n3,\0004\n";
    snprintf(csv_path, sizeof csv_path, "%s/nul.csv", mx_test_scratch());
    mx_file_write_atomic(csv_path, bin, sizeof bin - 1, NULL);
    ASSERT_INT_EQ(mx_points_read_csv(csv_path, 0, 0, &p, &e), MX_EPARSE);
    /* bytes "1,2\n3," are offsets 0..5, so the NUL is at offset 6 */
    ASSERT_STR_CONTAINS(e.msg, "nul.csv:2: contains a NUL byte at byte offset 6");
  }
  /* Long garbage field is shortened in the message. */
  ASSERT_INT_EQ(rd("1,2\n3,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0, 0, &p, &e),
                MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.csv:2: field 2 ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...') is not a number");
  snprintf(csv_path, sizeof csv_path, "%s/missing.csv", mx_test_scratch());
  ASSERT_INT_EQ(mx_points_read_csv(csv_path, 0, 0, &p, &e), MX_ENOENT);
  ASSERT_STR_CONTAINS(e.msg, "missing.csv");
  /* Labels checked later against K. */
  ASSERT_INT_EQ(rd("x,y,label\n1,2,0\n\n3,4,4\n", 0, 0, &p, &e), MX_OK);
  ASSERT_INT_EQ(mx_points_check_labels(&p, 5, "p.csv", &e), MX_OK);
  ASSERT_INT_EQ(mx_points_check_labels(&p, 2, "p.csv", &e), MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "p.csv:4: label 4 out of range 0..1 (K = 2; -1 or empty = unlabelled)");
  mx_points_free(&p);
}

static void test_write_roundtrip(void) {
  mx_points p, q;
  mx_error e;
  double a[2] = {0.1 + 0.2, -1e-300}, b[2] = {1.0 / 3.0, 12345678.9};
  char path[1200];
  ASSERT_INT_EQ(mx_points_init(&p, 2, 0), MX_OK);
  ASSERT_INT_EQ(mx_points_push(&p, a, -1), MX_OK);
  ASSERT_INT_EQ(mx_points_push(&p, b, 1), MX_OK);
  ASSERT_INT_EQ(mx_points_push(&p, b, -5), MX_ERANGE);
  snprintf(path, sizeof path, "%s/w.csv", mx_test_scratch());
  ASSERT_INT_EQ(mx_points_write_csv(path, &p, &e), MX_OK);
  ASSERT_INT_EQ(mx_points_read_csv(path, 2, 2, &q, &e), MX_OK);
  ASSERT_INT_EQ(q.n, 2);
  ASSERT_TRUE(q.x[0] == 0.1 + 0.2 && q.x[1] == -1e-300);
  ASSERT_TRUE(q.x[2] == 1.0 / 3.0 && q.x[3] == 12345678.9);
  ASSERT_INT_EQ(q.label[0], -1);
  ASSERT_INT_EQ(q.label[1], 1);
  mx_points_free(&q);
  /* Remove keeps order and recounts. */
  ASSERT_INT_EQ(mx_points_remove(&p, 1), MX_OK);
  ASSERT_INT_EQ(p.n, 1);
  ASSERT_INT_EQ(p.nlabelled, 0);
  ASSERT_INT_EQ(mx_points_remove(&p, 3), MX_ERANGE);
  mx_points_free(&p);
  mx_points_free(&p); /* twice is fine */
  /* Writing into a missing directory fails cleanly. */
  ASSERT_INT_EQ(mx_points_init(&p, 3, 4), MX_OK);
  ASSERT_INT_EQ(mx_points_push(&p, (double[3]){1, 2, 3}, -1), MX_OK);
  snprintf(path, sizeof path, "%s/no/such/dir/w.csv", mx_test_scratch());
  ASSERT_TRUE(mx_points_write_csv(path, &p, &e) < 0);
  snprintf(path, sizeof path, "%s/w3.csv", mx_test_scratch());
  ASSERT_INT_EQ(mx_points_write_csv(path, &p, &e), MX_OK);
  ASSERT_INT_EQ(mx_points_read_csv(path, 0, 0, &q, &e), MX_OK);
  ASSERT_INT_EQ(q.d, 3); /* header x1,x2,x3 */
  mx_points_free(&q);
  mx_points_free(&p);
}

static void test_presets(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points a = {0}, b = {0};
  int i;
  for (i = 0; i < MX_PRESET_COUNT; i++) {
    size_t n, cnt[3] = {0, 0, 0};
    double mx[3] = {0, 0, 0};
    ASSERT_INT_EQ(mx_points_preset(&a, (mx_preset)i, 3000, 42, r), MX_OK);
    ASSERT_INT_EQ(mx_points_preset(&b, (mx_preset)i, 3000, 42, r), MX_OK);
    ASSERT_INT_EQ(a.n, 3000);
    ASSERT_TRUE(memcmp(a.x, b.x, 6000 * sizeof(double)) == 0); /* same seed, same data */
    ASSERT_INT_EQ(a.nlabelled, 3000);
    for (n = 0; n < a.n; n++) {
      cnt[a.label[n]]++;
      mx[a.label[n]] += a.x[2 * n];
    }
    ASSERT_TRUE(cnt[0] > 0 && cnt[1] > 0 && cnt[2] > 0);
    ASSERT_INT_EQ(mx_preset_find(mx_preset_name((mx_preset)i)), i);
    if (i == MX_PRESET_BLOBS) {
      /* class means near (-4, ., 4, 0) for x: sample mean of 1000 N(m, 0.8) points
       * is within 0.15 of m with overwhelming probability (sd 0.028). */
      ASSERT_NEAR(mx[0] / (double)cnt[0], -4.0, 0.15);
      ASSERT_NEAR(mx[1] / (double)cnt[1], 4.0, 0.15);
      ASSERT_NEAR(mx[2] / (double)cnt[2], 0.0, 0.15);
      ASSERT_INT_EQ(cnt[0], 1000);
    }
    /* Shuffled: the first 30 points are not all one class. */
    {
      int mixed = 0;
      for (n = 1; n < 30; n++) mixed |= a.label[n] != a.label[0];
      ASSERT_TRUE(mixed);
    }
  }
  ASSERT_INT_EQ(mx_points_preset(&a, (mx_preset)7, 10, 1, r), MX_EINVAL);
  ASSERT_INT_EQ(mx_preset_find("nope"), -1);
  mx_points_free(&a);
  mx_points_free(&b);
  gsl_rng_free(r);
}

int main(void) {
  test_accepts();
  test_errors();
  test_write_roundtrip();
  test_presets();
  TEST_MAIN_END();
}
