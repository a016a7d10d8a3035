/* Replays every fuzz corpus and regression input of the core readers through
 * the same invariant checks the libFuzzer harnesses use (tests/fuzz/fuzz_*.c,
 * included here with MX_FUZZ_NO_MAIN), in the normal build, so a sanitizer
 * build of the test suite catches a regression without clang or libFuzzer:
 *   tests/fuzz/{corpus,regress}/fuzz_idx       mx_idx_read
 *   tests/fuzz/{corpus,regress}/fuzz_points    mx_points_read_csv (byte 0 = d, k)
 *   tests/fuzz/{corpus,regress}/fuzz_gmm_json  mx_gmm_json_read
 * The scene corpus needs the app library: tests/test_app_fuzz_regress.c.
 * Besides the invariants, the seed files written by hand have known outcomes
 * (status codes, shapes, values), checked at the end; those expectations come
 * from how each seed was built (tests/fuzz/corpus/README.md), not from the
 * readers. */
#define MX_FUZZ_NO_MAIN 1
#include "fuzz/fuzz_gmm_json.c"
#include "fuzz/fuzz_idx.c"
#include "fuzz/fuzz_points.c"

#include <dirent.h>
#include <errno.h>

#include "mixscope/fileio.h"
#include "test.h"

#define MAX_FILES 4096

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir (sorted, malloc'd full paths); count, 0 if none. */
static int list_dir(const char *dir, char **out, int max) {
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  if (!d) return 0;
  while ((de = readdir(d)) != NULL && n < max) {
    size_t need;
    if (de->d_name[0] == '.') continue;
    need = strlen(dir) + strlen(de->d_name) + 2;
    out[n] = malloc(need);
    if (!out[n]) break;
    snprintf(out[n], need, "%s/%s", dir, de->d_name);
    n++;
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof *out, name_cmp);
  return n;
}

static void free_list(char **p, int n) {
  int i;
  for (i = 0; i < n; i++) free(p[i]);
}

/* Run check on every file of corpus/<h> and regress/<h>; returns files seen. */
static int replay(const char *harness, const char *(*check)(const char *path)) {
  static char *files[MAX_FILES];
  const char *kinds[2] = {"corpus", "regress"};
  char dir[1024];
  int total = 0, k, i, n;
  for (k = 0; k < 2; k++) {
    snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", mx_test_srcdir(), kinds[k], harness);
    n = list_dir(dir, files, MAX_FILES);
    for (i = 0; i < n; i++) {
      const char *bad = check(files[i]);
      mx_test_checks++;
      if (bad) MX_FAIL_("%s: %s", files[i], bad);
    }
    total += n;
    free_list(files, n);
  }
  fprintf(stderr, "%s: %d inputs replayed\n", harness, total);
  return total;
}

/* An IDX input: the invariants on the file, then on its gzip-compressed copy,
 * then raw vs gzip agreement (as the harness does). */
static const char *check_idx(const char *path) {
  static char gzp[1100];
  const char *bad = fuzz_idx_check(path);
  char *data = NULL;
  uint8_t *gz = NULL;
  size_t len = 0, gzlen = 0;
  mx_error err;
  if (bad) return bad;
  if (mx_file_read_all(path, &data, &len, &err) != MX_OK) return "cannot read the input";
  snprintf(gzp, sizeof gzp, "%s/idx-input.gz", mx_test_scratch());
  if (fuzz_idx_gzip((const uint8_t *)data, len, &gz, &gzlen) != 0 ||
      mx_file_write_atomic(gzp, gz, gzlen, &err) != MX_OK) {
    free(data);
    free(gz);
    return "cannot write the gzip copy";
  }
  free(gz);
  bad = fuzz_idx_check(gzp);
  if (!bad) bad = fuzz_idx_compare(path, gzp, (const uint8_t *)data, len);
  free(data);
  return bad;
}

/* A points input: byte 0 = reader arguments, the rest = the CSV text. */
static const char *check_points(const char *path) {
  static char csv[1100], rt[1100];
  char *data = NULL;
  size_t len = 0;
  int d = 0, k = 0;
  const char *bad;
  mx_error err;
  if (mx_file_read_all(path, &data, &len, &err) != MX_OK) return "cannot read the input";
  snprintf(csv, sizeof csv, "%s/points-input.csv", mx_test_scratch());
  snprintf(rt, sizeof rt, "%s/points-roundtrip.csv", mx_test_scratch());
  if (len < 1) {
    free(data);
    return NULL; /* the harness ignores empty inputs */
  }
  fuzz_points_args((uint8_t)data[0], &d, &k);
  if (mx_file_write_atomic(csv, data + 1, len - 1, &err) != MX_OK) {
    free(data);
    return "cannot write the scratch CSV";
  }
  free(data);
  bad = fuzz_points_check(csv, d, k, rt);
  if (bad) fprintf(stderr, "  (d=%d k=%d)\n", d, k);
  return bad;
}

static const char *check_gmm_json(const char *path) {
  static char rt[1100];
  snprintf(rt, sizeof rt, "%s/gmm-roundtrip.json", mx_test_scratch());
  return fuzz_gmm_json_check(path, rt);
}

static void path_of(char *buf, size_t n, const char *harness, const char *name) {
  snprintf(buf, n, "%s/tests/fuzz/corpus/%s/%s", mx_test_srcdir(), harness, name);
}

/* Outcomes of hand-built IDX seeds (see the generator in corpus/README.md). */
static void idx_expectations(void) {
  char p[1100];
  mx_idx idx;
  mx_error err;
  static const struct { const char *name; int code; } fails[] = {
    {"bad_magic.idx", MX_EMAGIC},     {"bad_type.idx", MX_ETYPE},   {"truncated.idx", MX_ETRUNC},
    {"trailing.idx", MX_ESIZE},       {"zero_dim.idx", MX_EDIMS},   {"huge_dims.idx", MX_EDIMS},
    {"corrupt.idx.gz", MX_EGZIP},     {"short_header.idx", MX_ETRUNC}};
  size_t i;
  path_of(p, sizeof p, "fuzz_idx", "labels3.idx");
  ASSERT_INT_EQ(mx_idx_read(p, &idx, &err), MX_OK);
  ASSERT_INT_EQ(idx.ndim, 1);
  ASSERT_INT_EQ(idx.dims[0], 3);
  if (idx.data) {
    ASSERT_INT_EQ(idx.data[0], 7);
    ASSERT_INT_EQ(idx.data[2], 1);
  }
  mx_idx_free(&idx);
  /* images2x4x4: byte i of the data is (37 i) mod 256 */
  path_of(p, sizeof p, "fuzz_idx", "images2x4x4.idx.gz");
  ASSERT_INT_EQ(mx_idx_read(p, &idx, &err), MX_OK);
  ASSERT_INT_EQ(idx.ndim, 3);
  ASSERT_INT_EQ(idx.size, 32);
  if (idx.data && idx.size == 32) ASSERT_INT_EQ(idx.data[31], (37 * 31) % 256);
  mx_idx_free(&idx);
  for (i = 0; i < sizeof fails / sizeof fails[0]; i++) {
    path_of(p, sizeof p, "fuzz_idx", fails[i].name);
    ASSERT_INT_EQ(mx_idx_read(p, &idx, &err), fails[i].code);
    ASSERT_STR_CONTAINS(err.msg, fails[i].name);
  }
}

/* Outcomes of hand-written CSV seeds (first byte: d = b % 4, k = (b / 4) % 8). */
static void points_expectations(void) {
  static const struct { const char *name; int code; size_t n; int d; } cases[] = {
    {"xy_infer", MX_OK, 2, 2},        {"xy_label_k3", MX_OK, 4, 2}, {"noheader_label", MX_OK, 2, 2},
    {"xyz_d3", MX_OK, 2, 3},          {"four_cols", MX_OK, 2, 4},   {"d1", MX_OK, 3, 1},
    {"spaces_crlf", MX_OK, 2, 2},     {"big_small", MX_OK, 2, 2},   {"nan", MX_ENONFINITE, 0, 0},
    {"inf", MX_ENONFINITE, 0, 0},     {"ragged", MX_EDIMS, 0, 0},   {"label_range", MX_ERANGE, 0, 0},
    {"nonnum", MX_EPARSE, 0, 0},      {"empty", MX_EEMPTY, 0, 0},   {"header_only", MX_EEMPTY, 0, 0},
    {"overflow", MX_ENONFINITE, 0, 0}, {"nul", MX_EPARSE, 0, 0},    {"label_float", MX_EPARSE, 0, 0}};
  char p[1100], csv[1100], *data;
  size_t len, i;
  int d, k, rc;
  mx_points pts;
  mx_error err;
  snprintf(csv, sizeof csv, "%s/points-expect.csv", mx_test_scratch());
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    path_of(p, sizeof p, "fuzz_points", cases[i].name);
    if (mx_file_read_all(p, &data, &len, &err) != MX_OK || len < 1) {
      MX_FAIL_("%s: cannot read", p);
      continue;
    }
    fuzz_points_args((uint8_t)data[0], &d, &k);
    mx_file_write_atomic(csv, data + 1, len - 1, &err);
    free(data);
    rc = mx_points_read_csv(csv, d, k, &pts, &err);
    if (rc != cases[i].code) fprintf(stderr, "  %s: %s\n", cases[i].name, err.msg);
    ASSERT_INT_EQ(rc, cases[i].code);
    if (rc == MX_OK) {
      ASSERT_INT_EQ(pts.n, cases[i].n);
      ASSERT_INT_EQ(pts.d, cases[i].d);
    }
    mx_points_free(&pts);
  }
  /* values: xy_label_k3 is "x,y,label / 1,2,0 / 3,4, / 5,6,-1 / 7,8,2" */
  path_of(p, sizeof p, "fuzz_points", "xy_label_k3");
  if (mx_file_read_all(p, &data, &len, &err) == MX_OK) {
    mx_file_write_atomic(csv, data + 1, len - 1, &err);
    free(data);
    if (mx_points_read_csv(csv, 0, 3, &pts, &err) == MX_OK) {
      ASSERT_NEAR(pts.x[6], 7.0, 0);
      ASSERT_INT_EQ(pts.label[0], 0);
      ASSERT_INT_EQ(pts.label[1], -1);
      ASSERT_INT_EQ(pts.label[3], 2);
      ASSERT_INT_EQ(pts.nlabelled, 2);
      ASSERT_INT_EQ(pts.line[3], 5);
    } else {
      MX_FAIL_("xy_label_k3: %s", err.msg);
    }
    mx_points_free(&pts);
  }
}

/* Outcomes of hand-written GMM JSON seeds. */
static void gmm_json_expectations(void) {
  static const struct { const char *name; int code; int K, D; } cases[] = {
    {"init3.json", MX_OK, 3, 2},         {"init3d.json", MX_OK, 0, 3},
    {"k1d1.json", MX_OK, 1, 1},          {"k2d2.json", MX_OK, 2, 2},
    {"sum_not_one.json", MX_ERANGE, 0, 0}, {"not_pd.json", MX_ENOTPD, 0, 0},
    {"not_symmetric.json", MX_EINVAL, 0, 0}, {"wrong_shape.json", MX_EDIMS, 0, 0},
    {"malformed.json", MX_EPARSE, 0, 0}, {"string_entry.json", MX_EPARSE, 0, 0},
    {"not_object.json", MX_EPARSE, 0, 0}, {"extreme.json", MX_OK, 1, 2}};
  char p[1100];
  size_t i;
  mx_gmm *g;
  mx_error err;
  int rc;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    path_of(p, sizeof p, "fuzz_gmm_json", cases[i].name);
    rc = mx_gmm_json_read(p, &g, &err);
    if (rc != cases[i].code) fprintf(stderr, "  %s: %s\n", cases[i].name, err.msg);
    ASSERT_INT_EQ(rc, cases[i].code);
    if (rc == MX_OK && g) {
      if (cases[i].K) ASSERT_INT_EQ(g->K, cases[i].K);
      ASSERT_INT_EQ(g->D, cases[i].D);
    }
    mx_gmm_free(g);
  }
  /* k2d2: Sigma_0 = [[1, .5], [.5, 1]]: L = [[1, 0], [.5, sqrt(.75)]], log|Sigma_0| = log .75 */
  path_of(p, sizeof p, "fuzz_gmm_json", "k2d2.json");
  if (mx_gmm_json_read(p, &g, &err) == MX_OK) {
    ASSERT_NEAR(g->chol[2], 0.5, 1e-15);
    ASSERT_NEAR(g->chol[3], sqrt(0.75), 1e-15);
    ASSERT_NEAR(g->logdet[0], log(0.75), 1e-15);
    ASSERT_NEAR(g->logdet[1], 2.0 * log(2.0), 1e-15);
    mx_gmm_free(g);
  } else {
    MX_FAIL_("k2d2.json: %s", err.msg);
  }
}

int main(void) {
  ASSERT_TRUE(replay("fuzz_idx", check_idx) >= 13);
  ASSERT_TRUE(replay("fuzz_points", check_points) >= 18);
  ASSERT_TRUE(replay("fuzz_gmm_json", check_gmm_json) >= 13);
  idx_expectations();
  points_expectations();
  gmm_json_expectations();
  TEST_MAIN_END();
}
