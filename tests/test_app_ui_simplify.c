/* test_app_ui_simplify — mx_polyline_simplify on hand-made curves. Expected
 * point lists are worked out by hand beside each case (distance of a point
 * from the chord between the last kept point and the candidate end). */
#include <math.h>

#include "test.h"
#include "ui/ui.h"

static void test_straight(void) {
  /* 5 collinear points: only the ends remain. */
  float xy[10] = {0, 0, 1, 0, 2, 0, 3, 0, 4, 0};
  ASSERT_INT_EQ(mx_polyline_simplify(xy, 5, 0.25f), 2);
  ASSERT_NEAR(xy[0], 0.0, 0.0);
  ASSERT_NEAR(xy[2], 4.0, 0.0);
  ASSERT_NEAR(xy[3], 0.0, 0.0);
}

static void test_corner(void) {
  /* An L: (0,0) (1,0) (2,0) (2,1) (2,2). The chord (0,0)-(2,1) passes 0.447 px
   * from (1,0) (|1*1 - 0*2| / sqrt(5)) > 0.25, so (2,0) is kept; then (2,1) is
   * on the chord (2,0)-(2,2). Result: (0,0) (2,0) (2,2). */
  float xy[10] = {0, 0, 1, 0, 2, 0, 2, 1, 2, 2};
  ASSERT_INT_EQ(mx_polyline_simplify(xy, 5, 0.25f), 3);
  ASSERT_NEAR(xy[2], 2.0, 0.0);
  ASSERT_NEAR(xy[3], 0.0, 0.0);
  ASSERT_NEAR(xy[4], 2.0, 0.0);
  ASSERT_NEAR(xy[5], 2.0, 0.0);
}

static void test_tolerance(void) {
  /* (0,0) (1,0.2) (2,0): 0.2 px off the chord, dropped at tol 0.25, kept at 0.1. */
  float a[6] = {0, 0, 1, 0.2f, 2, 0}, b[6] = {0, 0, 1, 0.2f, 2, 0};
  ASSERT_INT_EQ(mx_polyline_simplify(a, 3, 0.25f), 2);
  ASSERT_INT_EQ(mx_polyline_simplify(b, 3, 0.1f), 3);
  ASSERT_NEAR(b[3], 0.2, 1e-7);
}

static void test_small(void) {
  float one[2] = {5, 5}, two[4] = {0, 0, 1, 1};
  ASSERT_INT_EQ(mx_polyline_simplify(one, 1, 0.25f), 1);
  ASSERT_INT_EQ(mx_polyline_simplify(two, 2, 0.25f), 2);
  /* A repeated point (zero-length chord) is never used to drop the points between. */
  {
    float rep[6] = {0, 0, 3, 1, 0, 0};
    ASSERT_INT_EQ(mx_polyline_simplify(rep, 3, 0.25f), 3);
  }
}

int main(void) {
  test_straight();
  test_corner();
  test_tolerance();
  test_small();
  TEST_MAIN_END();
}
