/* Tests of core/src/json.c: exact JSON numbers.
 *
 * Expected strings: the first of %.15g, %.16g, %.17g that reads back exactly,
 * worked by hand and checked against Python's repr (the shortest string that
 * round-trips: /usr/bin/python3 -c "print(repr(0.1 + 0.2))"):
 *   0.1       -> "0.1"                  (15 digits, trailing zeros dropped by %g)
 *   1/3       -> "0.3333333333333333"   (%.15g 0.333333333333333 is 3.3e-16 off,
 *                                        more than half an ulp, 2.8e-17; repr has 16)
 *   0.1 + 0.2 -> "0.30000000000000004"  (repr has 17)
 *   -5e-324   -> "-4.94065645841247e-324" (15 digits already read back as the
 *                                        smallest subnormal; repr's shorter "5e-324"
 *                                        is never tried: 15 digits is the floor)
 *   1e300 -> "1e+300", -0.0 -> "-0", 100 -> "100". */
#include <cjson/cJSON.h>

#include "mixscope/gmm.h"
#include "mixscope/json.h"
#include "test.h"

/* The text of mx_json_number(v) copied into buf, if the item has type `type`
 * (cJSON_Raw for finite values, cJSON_String for the others); else "". */
static const char *text_of(double v, int type, char *buf, size_t n) {
  cJSON *it = mx_json_number(v);
  buf[0] = '\0';
  if (it && (it->type & 0xFF) == type) snprintf(buf, n, "%s", it->valuestring);
  cJSON_Delete(it);
  return buf;
}

int main(void) {
  char b[64];
  volatile double tenth = 0.1, fifth = 0.2; /* 0.1 + 0.2 at run time, in double */
  ASSERT_STR_EQ(text_of(0.1, cJSON_Raw, b, sizeof b), "0.1");
  ASSERT_STR_EQ(text_of(1.0 / 3.0, cJSON_Raw, b, sizeof b), "0.3333333333333333");
  ASSERT_STR_EQ(text_of(tenth + fifth, cJSON_Raw, b, sizeof b), "0.30000000000000004");
  ASSERT_STR_EQ(text_of(-4.9406564584124654e-324, cJSON_Raw, b, sizeof b), "-4.94065645841247e-324");
  ASSERT_STR_EQ(text_of(1e300, cJSON_Raw, b, sizeof b), "1e+300");
  ASSERT_STR_EQ(text_of(-0.0, cJSON_Raw, b, sizeof b), "-0");
  ASSERT_STR_EQ(text_of(100.0, cJSON_Raw, b, sizeof b), "100");

  /* Non-finite values are strings. */
  ASSERT_STR_EQ(text_of(INFINITY, cJSON_String, b, sizeof b), "inf");
  ASSERT_STR_EQ(text_of(-INFINITY, cJSON_String, b, sizeof b), "-inf");
  ASSERT_STR_EQ(text_of(NAN, cJSON_String, b, sizeof b), "nan");

  /* An array, printed by cJSON as part of a document and parsed back: the
   * numbers are the same doubles (0.1 + 0.2 would come back as 0.3 from
   * cJSON's own 15-digit printing). */
  {
    double v[3];
    cJSON *a, *back;
    char *s;
    v[0] = tenth + fifth;
    v[1] = 1.0 / 3.0;
    v[2] = INFINITY;
    a = mx_json_numbers(v, 3);
    ASSERT_TRUE(cJSON_IsArray(a));
    ASSERT_INT_EQ(cJSON_GetArraySize(a), 3);
    s = cJSON_PrintUnformatted(a);
    ASSERT_STR_EQ(s, "[0.30000000000000004,0.3333333333333333,\"inf\"]");
    back = cJSON_Parse(s);
    ASSERT_TRUE(cJSON_GetArrayItem(back, 0)->valuedouble == v[0]);
    ASSERT_TRUE(cJSON_GetArrayItem(back, 1)->valuedouble == v[1]);
    cJSON_free(s);
    cJSON_Delete(back);
    cJSON_Delete(a);
    a = mx_json_numbers(v, 0);
    ASSERT_INT_EQ(cJSON_GetArraySize(a), 0);
    cJSON_Delete(a);
  }

  /* The GMM parameter files use the same numbers: a weight of 0.1 + 0.2
   * (0.30000000000000004, the double after 0.3) is written with all 17 digits. */
  {
    mx_gmm *g = mx_gmm_alloc(2, 1);
    cJSON *o, *w;
    ASSERT_TRUE(g != NULL);
    g->weights[0] = tenth + fifth;
    g->weights[1] = 1.0 - g->weights[0];
    g->means[0] = 0.0;
    g->means[1] = 1.0;
    g->covs[0] = g->covs[1] = 1.0;
    o = mx_gmm_json_params(g);
    ASSERT_TRUE(o != NULL);
    w = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "weights"), 0);
    ASSERT_TRUE(w != NULL && cJSON_IsRaw(w));
    ASSERT_STR_EQ(w->valuestring, "0.30000000000000004");
    cJSON_Delete(o);
    mx_gmm_free(g);
  }
  TEST_MAIN_END();
}
