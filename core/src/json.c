/* Exact JSON numbers: the shortest %.15g..%.17g that reads back exactly. */
#include "mixscope/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

cJSON *mx_json_number(double v) {
  char buf[40];
  int prec;
  if (isnan(v)) return cJSON_CreateString("nan");
  if (isinf(v)) return cJSON_CreateString(v > 0 ? "inf" : "-inf");
  /* cJSON's own printer accepts a 15-digit form that is only within DBL_EPSILON;
   * write the shortest of %.15g..%.17g that reads back to exactly the same double. */
  for (prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  return cJSON_CreateRaw(buf);
}

cJSON *mx_json_numbers(const double *v, int n) {
  cJSON *a = cJSON_CreateArray();
  int i;
  for (i = 0; a && i < n; i++) cJSON_AddItemToArray(a, mx_json_number(v[i]));
  return a;
}
