/* Replays the scene fuzz corpus and regression inputs
 * (tests/fuzz/{corpus,regress}/fuzz_scene) and the lecture scenes
 * (assets/scenes, also a seed corpus of the fuzzer) through the scene harness's checks
 * (tests/fuzz/fuzz_scene.c, included with MX_FUZZ_NO_MAIN) on one headless
 * app, in the normal build: a scene either loads (then the app draws, and the
 * captured scene loads back) or is refused with a message naming the file.
 * The seeds written by hand also have known outcomes, checked at the end:
 * which view a good scene selects and which code a bad one gives (from how
 * each seed was written; see tests/fuzz/corpus/README.md). This is the app
 * half of tests/test_fuzz_regress.c (which links only the core library). */
#define MX_FUZZ_NO_MAIN 1
#include "fuzz/fuzz_scene.c"

#include <dirent.h>

#include "test.h"

#define MAX_FILES 4096

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

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

static int replay(mx_app *app) {
  static char *files[MAX_FILES];
  const char *kinds[3] = {"tests/fuzz/corpus/fuzz_scene", "tests/fuzz/regress/fuzz_scene",
                          "assets/scenes"};
  char dir[1024];
  int total = 0, k, i, n;
  for (k = 0; k < 3; k++) {
    snprintf(dir, sizeof dir, "%s/%s", mx_test_srcdir(), kinds[k]);
    n = list_dir(dir, files, MAX_FILES);
    for (i = 0; i < n; i++) {
      const char *bad = fuzz_scene_check(app, files[i]);
      mx_test_checks++;
      if (bad) MX_FAIL_("%s: %s", files[i], bad);
      free(files[i]);
    }
    total += n;
  }
  fprintf(stderr, "fuzz_scene: %d inputs replayed\n", total);
  return total;
}

static void expectations(mx_app *app) {
  static const struct { const char *name; int code; const char *view; const char *msg; } cases[] = {
    {"theta.json", MX_OK, "theta", NULL},
    {"digits_test.json", MX_OK, "digits", NULL},
    {"gmm_points.json", MX_OK, "gmm", NULL},
    {"posterior_data.json", MX_OK, "posterior", NULL},
    {"moe_iter.json", MX_OK, "moe", NULL},
    {"bmm_iter.json", MX_OK, "bmm", NULL},
    {"unknown_view.json", MX_EINVAL, NULL, "field \"view\": unknown view 'nosuch'"},
    {"bad_version.json", MX_EPARSE, NULL, "field \"mixscope_scene\" must be 1"},
    {"state_not_object.json", MX_EPARSE, NULL, "field \"state\" must be an object"},
    {"wrong_type.json", MX_EINVAL, NULL, "field \"state.k\""},
    {"malformed.json", MX_EPARSE, NULL, "malformed.json:3: malformed JSON"}};
  char p[1100];
  size_t i;
  mx_error err;
  int rc;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(p, sizeof p, "%s/tests/fuzz/corpus/fuzz_scene/%s", mx_test_srcdir(), cases[i].name);
    mx_error_clear(&err);
    rc = mx_scene_load(app, p, &err);
    if (rc != cases[i].code) fprintf(stderr, "  %s: %s\n", cases[i].name, err.msg);
    ASSERT_INT_EQ(rc, cases[i].code);
    if (cases[i].view) {
      int idx = -1;
      mx_view_find(cases[i].view, &idx);
      ASSERT_INT_EQ(mx_app_view_index(app), idx);
    }
    if (cases[i].msg) {
      ASSERT_STR_CONTAINS(err.msg, cases[i].msg);
      ASSERT_STR_CONTAINS(err.msg, cases[i].name);
    }
  }
  /* the title of a scene goes to the status line */
  snprintf(p, sizeof p, "%s/tests/fuzz/corpus/fuzz_scene/gmm_points.json", mx_test_srcdir());
  ASSERT_INT_EQ(mx_scene_load(app, p, &err), MX_OK);
  {
    char shown[640];
    ASSERT_STR_EQ(mx_app_status_shown(app, shown, sizeof shown, NULL), "edited");
  }
}

int main(void) {
  mx_error err;
  mx_app *app = fuzz_scene_app(&err);
  ASSERT_TRUE(app != NULL);
  if (!app) {
    fprintf(stderr, "cannot create the app: %s\n", err.msg);
    TEST_MAIN_END();
  }
  ASSERT_TRUE(replay(app) >= 17);
  expectations(app);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
