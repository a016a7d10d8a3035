/* Exact JSON numbers: the shortest %.15g..%.17g that reads back exactly. */
#include "mixscope/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mixscope/error.h"
#include "mixscope/fileio.h"

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

/* cJSON's printer only guarantees DBL_EPSILON closeness: turn every number of
 * a tree into raw text that reads back to exactly the same double. */
void mx_json_exact_numbers(cJSON *node) {
  for (; node; node = node->next) {
    if (cJSON_IsNumber(node)) {
      cJSON *raw = mx_json_number(node->valuedouble);
      if (raw && cJSON_IsRaw(raw)) {
        node->type = cJSON_Raw | (node->type & cJSON_StringIsConst);
        node->valuestring = raw->valuestring;
        raw->valuestring = NULL;
      }
      cJSON_Delete(raw);
    } else if (node->child) {
      mx_json_exact_numbers(node->child);
    }
  }
}

int mx_json_write_file(const char *path, const cJSON *root, mx_error *err) {
  cJSON *copy = cJSON_Duplicate(root, 1);
  char *s, *t;
  size_t n;
  int rc;
  if (copy) mx_json_exact_numbers(copy->child);
  s = copy ? cJSON_Print(copy) : NULL;
  cJSON_Delete(copy);
  if (!s) return mx_error_set(err, MX_ENOMEM, "%s: out of memory formatting JSON", path);
  n = strlen(s);
  t = malloc(n + 2);
  if (!t) {
    cJSON_free(s);
    return mx_error_set(err, MX_ENOMEM, "%s: out of memory", path);
  }
  memcpy(t, s, n);
  t[n] = '\n';
  t[n + 1] = '\0';
  rc = mx_file_write_atomic(path, t, n + 1, err);
  free(t);
  cJSON_free(s);
  return rc;
}
