/* Gaussian mixture parameters <-> JSON (cJSON), validated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mixscope/fileio.h"
#include "mixscope/gmm.h"
#include "mixscope/json.h"

/* Read a JSON array of exactly n numbers into out; name/i1/i2 build the field
 * path for messages ("means[1]", "covariances[0][1]"). */
static int json_row(const cJSON *a, int n, double *out, const char *src, const char *field,
                    mx_error *err) {
  int i = 0, len;
  const cJSON *e;
  if (!cJSON_IsArray(a))
    return mx_error_set(err, MX_EPARSE, "%s: %s must be an array of %d numbers", src, field, n);
  len = cJSON_GetArraySize(a);
  if (len != n)
    return mx_error_set(err, MX_EDIMS, "%s: %s has %d entr%s, expected %d", src, field, len,
                        len == 1 ? "y" : "ies", n);
  cJSON_ArrayForEach(e, a) {
    if (!cJSON_IsNumber(e))
      return mx_error_set(err, MX_EPARSE, "%s: %s[%d] is not a number", src, field, i);
    if (!isfinite(e->valuedouble))
      return mx_error_set(err, MX_ENONFINITE, "%s: %s[%d] is not finite", src, field, i);
    out[i++] = e->valuedouble;
  }
  return MX_OK;
}

int mx_gmm_json_parse(const cJSON *root, const char *src, mx_gmm **out, mx_error *err) {
  const cJSON *jw, *jm, *jc, *row;
  int K, D, k, i, rc;
  double *w = NULL, *m = NULL, *c = NULL;
  char field[64];
  mx_gmm *g = NULL;
  mx_error e2;

  *out = NULL;
  if (!src) src = "parameters";
  if (!cJSON_IsObject(root))
    return mx_error_set(err, MX_EPARSE,
                        "%s: expected a JSON object {\"weights\":..., \"means\":..., "
                        "\"covariances\":...}",
                        src);
  jw = cJSON_GetObjectItemCaseSensitive(root, "weights");
  jm = cJSON_GetObjectItemCaseSensitive(root, "means");
  jc = cJSON_GetObjectItemCaseSensitive(root, "covariances");
  if (!jw) return mx_error_set(err, MX_EPARSE, "%s: missing field \"weights\"", src);
  if (!jm) return mx_error_set(err, MX_EPARSE, "%s: missing field \"means\"", src);
  if (!jc) return mx_error_set(err, MX_EPARSE, "%s: missing field \"covariances\"", src);
  if (!cJSON_IsArray(jw) || cJSON_GetArraySize(jw) < 1)
    return mx_error_set(err, MX_EPARSE, "%s: weights must be a non-empty array of numbers", src);
  K = cJSON_GetArraySize(jw);
  if (K > MX_GMM_MAXK)
    return mx_error_set(err, MX_ETOOBIG, "%s: weights has %d entries, at most %d components",
                        src, K, MX_GMM_MAXK);
  if (!cJSON_IsArray(jm))
    return mx_error_set(err, MX_EPARSE, "%s: means must be an array of %d arrays", src, K);
  if (cJSON_GetArraySize(jm) != K)
    return mx_error_set(err, MX_EDIMS, "%s: means has %d entries but weights has %d", src,
                        cJSON_GetArraySize(jm), K);
  if (!cJSON_IsArray(jc))
    return mx_error_set(err, MX_EPARSE, "%s: covariances must be an array of %d matrices", src,
                        K);
  if (cJSON_GetArraySize(jc) != K)
    return mx_error_set(err, MX_EDIMS, "%s: covariances has %d entries but weights has %d", src,
                        cJSON_GetArraySize(jc), K);
  row = cJSON_GetArrayItem(jm, 0);
  if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) < 1)
    return mx_error_set(err, MX_EPARSE, "%s: means[0] must be a non-empty array of numbers", src);
  D = cJSON_GetArraySize(row);
  if (D > MX_GMM_MAXD)
    return mx_error_set(err, MX_ETOOBIG, "%s: means[0] has %d entries, at most %d dimensions",
                        src, D, MX_GMM_MAXD);

  w = malloc((size_t)K * sizeof *w);
  m = malloc((size_t)K * (size_t)D * sizeof *m);
  c = malloc((size_t)K * (size_t)D * (size_t)D * sizeof *c);
  if (!w || !m || !c) {
    rc = mx_error_set(err, MX_ENOMEM, "%s: out of memory", src);
    goto done;
  }
  if ((rc = json_row(jw, K, w, src, "weights", err)) != MX_OK) goto done;
  for (k = 0; k < K; k++) {
    const cJSON *ck = cJSON_GetArrayItem(jc, k);
    snprintf(field, sizeof field, "means[%d]", k);
    if ((rc = json_row(cJSON_GetArrayItem(jm, k), D, m + (size_t)k * (size_t)D, src, field, err)) !=
        MX_OK)
      goto done;
    if (!cJSON_IsArray(ck)) {
      rc = mx_error_set(err, MX_EPARSE, "%s: covariances[%d] must be a %dx%d array of arrays", src,
                        k, D, D);
      goto done;
    }
    if (cJSON_GetArraySize(ck) != D) {
      rc = mx_error_set(err, MX_EDIMS, "%s: covariances[%d] has %d rows, expected %d", src, k,
                        cJSON_GetArraySize(ck), D);
      goto done;
    }
    for (i = 0; i < D; i++) {
      snprintf(field, sizeof field, "covariances[%d][%d]", k, i);
      if ((rc = json_row(cJSON_GetArrayItem(ck, i), D,
                         c + ((size_t)k * (size_t)D + (size_t)i) * (size_t)D, src, field, err)) !=
          MX_OK)
        goto done;
    }
  }
  g = mx_gmm_alloc(K, D);
  if (!g) {
    rc = mx_error_set(err, MX_ENOMEM, "%s: out of memory", src);
    goto done;
  }
  mx_error_clear(&e2);
  if ((rc = mx_gmm_set_params(g, w, m, c, &e2)) != MX_OK) {
    mx_error_set(err, rc, "%s: %s", src, e2.msg);
    mx_gmm_free(g);
    g = NULL;
    goto done;
  }
  *out = g;
done:
  free(w);
  free(m);
  free(c);
  return rc;
}

int mx_gmm_json_read(const char *path, mx_gmm **out, mx_error *err) {
  char *data = NULL;
  size_t len = 0;
  const char *end = NULL;
  cJSON *root;
  int rc;
  *out = NULL;
  if ((rc = mx_file_read_text(path, &data, &len, err)) != MX_OK) return rc;
  if (len == 0) {
    free(data);
    return mx_error_set(err, MX_EEMPTY, "%s: empty file (expected JSON parameters)", path);
  }
  root = cJSON_ParseWithOpts(data, &end, 1);
  if (!root) {
    size_t line = 1, col = 1;
    const char *p;
    if (!end || end < data || end > data + len) end = data;
    for (p = data; p < end; p++) {
      if (*p == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    free(data);
    return mx_error_set(err, MX_EPARSE, "%s:%zu:%zu: invalid JSON", path, line, col);
  }
  free(data);
  rc = mx_gmm_json_parse(root, path, out, err);
  cJSON_Delete(root);
  return rc;
}

cJSON *mx_gmm_json_params(const mx_gmm *g) {
  cJSON *root = cJSON_CreateObject(), *jw, *jm, *jc;
  size_t K = (size_t)g->K, D = (size_t)g->D, k, i, j;
  if (!root) return NULL;
  jw = cJSON_AddArrayToObject(root, "weights");
  jm = cJSON_AddArrayToObject(root, "means");
  jc = cJSON_AddArrayToObject(root, "covariances");
  if (!jw || !jm || !jc) goto fail;
  for (k = 0; k < K; k++) {
    cJSON *row = cJSON_CreateArray(), *mat = cJSON_CreateArray();
    if (!row || !mat || !cJSON_AddItemToArray(jw, mx_json_number(g->weights[k]))) {
      cJSON_Delete(row);
      cJSON_Delete(mat);
      goto fail;
    }
    for (i = 0; i < D; i++) cJSON_AddItemToArray(row, mx_json_number(g->means[k * D + i]));
    cJSON_AddItemToArray(jm, row);
    for (i = 0; i < D; i++) {
      cJSON *r = cJSON_CreateArray();
      if (!r) {
        cJSON_Delete(mat);
        goto fail;
      }
      for (j = 0; j < D; j++)
        cJSON_AddItemToArray(r, mx_json_number(g->covs[(k * D + i) * D + j]));
      cJSON_AddItemToArray(mat, r);
    }
    cJSON_AddItemToArray(jc, mat);
  }
  return root;
fail:
  cJSON_Delete(root);
  return NULL;
}

int mx_gmm_json_write(const char *path, const mx_gmm *g, mx_error *err) {
  cJSON *root = mx_gmm_json_params(g);
  int rc;
  if (!root) return mx_error_set(err, MX_ENOMEM, "%s: out of memory", path);
  rc = mx_json_write_file(path, root, err);
  cJSON_Delete(root);
  return rc;
}
