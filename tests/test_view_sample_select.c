/* Headless tests of the "Sample" panels (G in the BMM and θ views) and of the
 * GMM view's model-selection panel (X), issue 16. Expected values are
 * computed here, independently of the views' code:
 *  - samples: the draws redone from the model the view displays, by the rule
 *    core/include/mixscope/sample.h documents (the generator seeded with the
 *    batch number, one gsl_rng_uniform per component choice, z = the first k
 *    with u < π_1 + ... + π_k, then one per pixel, x = [u < θ]); the grid
 *    image the panel draws is read back pixel by pixel;
 *  - model selection: the CLI's table (`gmm --select-k 1:8 --init kmeans++
 *    --seed 1 --iters 500 --tol 1e-6`, the panel's settings) on the view's
 *    points written to a CSV, run in this process through mx_cmd_gmm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "app_test.h"
#include "cli/cli.h"
#include "views/view_bmm.h"
#include "views/view_gmm.h"
#include "views/view_theta_priv.h"

static int same_color(const uint32_t *a, const uint32_t *b) { return memcmp(a, b, 4) == 0; }

/* The grid image s->rgba against the draws: ink exactly where x = 1, one ink
 * colour per digit, the same for digits of one component (coloured), unlit
 * pixels all one colour unlike any ink. Returns the lit pixels counted in the image. */
static size_t check_grid(const mx_sample_set *s) {
  int i, r, c, side = s->side;
  const uint32_t *paper = NULL, *ink_of[64] = {0};
  size_t lit = 0;
  ASSERT_INT_EQ(s->w, s->cols * (side + 1) + 1);
  for (i = 0; i < s->n; i++) {
    int x0 = 1 + (i % s->cols) * (side + 1), y0 = 1 + (i / s->cols) * (side + 1);
    const uint8_t *x = s->x + (size_t)i * (size_t)(side * side);
    const uint32_t *ink = NULL;
    int zi = s->coloured ? s->z[i] : 0, bad = 0;
    for (r = 0; r < side; r++)
      for (c = 0; c < side; c++) {
        const uint32_t *p = &s->rgba[(y0 + r) * s->w + x0 + c];
        const uint32_t **want = x[r * side + c] ? &ink : &paper;
        if (!*want) *want = p;
        bad += !same_color(p, *want);
        lit += x[r * side + c] != 0;
      }
    ASSERT_INT_EQ(bad, 0);
    if (ink && paper) ASSERT_TRUE(!same_color(ink, paper));
    if (ink && zi >= 0 && zi < 64) {
      if (!ink_of[zi]) ink_of[zi] = ink;
      ASSERT_TRUE(same_color(ink, ink_of[zi]));
    }
  }
  return lit;
}

/* The draws redone: z by the cumulative rule, pixels x = [u < θ]. */
static void redo_draws(unsigned long seed, const double *pi, const double *theta, int K, int D,
                       int n, uint8_t *x, int *z) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int i, d, k;
  gsl_rng_set(r, seed);
  for (i = 0; i < n; i++) {
    k = 0;
    if (pi) {
      double u = gsl_rng_uniform(r), acc = 0.0;
      for (k = 0; k < K - 1; k++) {
        acc += pi[k];
        if (u < acc) break;
      }
      z[i] = k;
    }
    for (d = 0; d < D; d++)
      x[(size_t)i * (size_t)D + (size_t)d] =
          gsl_rng_uniform(r) < theta[(size_t)k * (size_t)D + (size_t)d];
  }
  gsl_rng_free(r);
}

static void test_bmm_sample(void) {
  mx_error err;
  mx_app *app = mx_test_app("bmm", mx_test_sample_dir(), 1280, 800, &err);
  bmm_view *s;
  double pi[BMM_KMAX], sum = 0.0, *theta;
  uint8_t *x;
  int z[BMM_NSAMP], K, k, d, t, cnt[BMM_KMAX] = {0};
  size_t lit = 0, i;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  s = mx_app_view_state(app, "bmm");
  mx_app_frame(app, 1.0 / 60.0);
  for (t = 0; t < 3; t++) mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  ASSERT_INT_EQ((int)mx_test_view_field(app, "bmm", "iterations", NULL), 3);
  ASSERT_TRUE(!s->samp.shown);
  mx_test_key(app, SDLK_g, KMOD_NONE);
  ASSERT_TRUE(s->samp.shown && s->samp.coloured);
  ASSERT_INT_EQ(s->samp.n, BMM_NSAMP);
  ASSERT_INT_EQ((int)s->samp.gen, 1);
  ASSERT_INT_EQ(s->samp_t, 3);
  ASSERT_INT_EQ((int)mx_test_view_field(app, "bmm", "sample_batch", NULL), 1);
  /* the model displayed at iteration 3, at its stored precision */
  K = s->disp_cfg.k;
  theta = malloc((size_t)K * BMM_D * sizeof *theta);
  x = malloc((size_t)BMM_NSAMP * BMM_D);
  for (k = 0; k < K; k++) sum += s->disp_pi[k];
  for (k = 0; k < K; k++) {
    pi[k] = s->disp_pi[k] / sum;
    for (d = 0; d < BMM_D; d++) theta[k * BMM_D + d] = s->disp_theta8[k][d] / 255.0;
  }
  redo_draws(1, pi, theta, K, BMM_D, BMM_NSAMP, x, z);
  ASSERT_TRUE(memcmp(x, s->samp.x, (size_t)BMM_NSAMP * BMM_D) == 0);
  ASSERT_TRUE(memcmp(z, s->samp.z, sizeof z) == 0);
  for (i = 0; i < BMM_NSAMP; i++) cnt[z[i]]++;
  for (i = 0; i < (size_t)BMM_NSAMP * BMM_D; i++) lit += x[i];
  /* the panel composed the grid in the last frame: ink where drawn, by component */
  ASSERT_INT_EQ((int)check_grid(&s->samp), (int)lit);
  ASSERT_TRUE(lit > 0);
  /* G again: batch 2, other digits; Shift+G: back to the θ maps */
  mx_test_key(app, SDLK_g, KMOD_NONE);
  ASSERT_INT_EQ((int)s->samp.gen, 2);
  ASSERT_TRUE(memcmp(x, s->samp.x, (size_t)BMM_NSAMP * BMM_D) != 0);
  mx_test_key(app, SDLK_g, KMOD_LSHIFT);
  ASSERT_TRUE(!s->samp.shown);
  ASSERT_TRUE(isnan(mx_test_view_field(app, "bmm", "sample_batch", NULL)));
  free(theta);
  free(x);
  mx_app_destroy(app);
}

static void test_theta_sample(void) {
  mx_error err;
  mx_app *app = mx_test_app("theta", mx_test_sample_dir(), 1280, 800, &err);
  theta_view *t;
  uint8_t *x;
  size_t D, i, lit = 0;
  double mean = 0.0, sd;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  t = mx_app_view_state(app, "theta");
  mx_app_frame(app, 1.0 / 60.0);
  mx_test_key(app, SDLK_g, KMOD_NONE);
  ASSERT_TRUE(t->samp.shown && !t->samp.coloured);
  ASSERT_INT_EQ(t->samp.n, TV_NSAMP);
  D = t->d;
  ASSERT_INT_EQ(t->samp.side * t->samp.side, (int)D);
  x = malloc((size_t)TV_NSAMP * D);
  redo_draws(t->samp.gen, NULL, t->fit.theta, 1, (int)D, TV_NSAMP, x, NULL);
  ASSERT_TRUE(memcmp(x, t->samp.x, (size_t)TV_NSAMP * D) == 0);
  for (i = 0; i < (size_t)TV_NSAMP * D; i++) lit += x[i];
  ASSERT_INT_EQ((int)check_grid(&t->samp), (int)lit);
  /* the lit fraction against mean θ: within 5 binomial standard deviations */
  for (i = 0; i < D; i++) mean += t->fit.theta[i];
  mean /= (double)D;
  sd = sqrt(mean * (1.0 - mean) / ((double)TV_NSAMP * (double)D));
  ASSERT_TRUE(fabs((double)lit / ((double)TV_NSAMP * (double)D) - mean) < 5.0 * sd);
  mx_test_key(app, SDLK_g, KMOD_LSHIFT);
  ASSERT_TRUE(!t->samp.shown);
  free(x);
  mx_app_destroy(app);
}

/* A JSON file, parsed; NULL if unreadable. */
static cJSON *read_json(const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  cJSON *j;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  if (!buf) return NULL;
  buf[n] = 0;
  j = cJSON_Parse(buf);
  free(buf);
  return j;
}

/* The CLI's --select-k JSON on the view's points, or NULL. */
static cJSON *cli_table(const gmm_view *v) {
  char csv[1024], out[1024];
  FILE *f;
  size_t i;
  int fd, rc;
  char *argv[] = {"gmm", "--data", csv, "--select-k", "1:8", "--init", "kmeans++", "--seed", "1",
                  "--iters", "500", "--tol", "1e-6", "--reg", "1e-6", "--json", NULL};
  snprintf(csv, sizeof csv, "%s/select_points.csv", mx_test_scratch());
  snprintf(out, sizeof out, "%s/select_table.json", mx_test_scratch());
  if (!(f = fopen(csv, "w"))) return NULL;
  fprintf(f, "x,y\n");
  for (i = 0; i < v->pts.n; i++)
    fprintf(f, "%.17g,%.17g\n", v->pts.x[2 * i], v->pts.x[2 * i + 1]);
  fclose(f);
  fflush(stdout);
  fd = dup(1);
  if (fd < 0 || !freopen(out, "w", stdout)) return NULL;
  rc = mx_cmd_gmm((int)(sizeof argv / sizeof *argv) - 1, argv);
  fflush(stdout);
  dup2(fd, 1);
  close(fd);
  ASSERT_INT_EQ(rc, 0);
  return read_json(out);
}

static void test_select_panel(void) {
  mx_error err;
  mx_app *app = mx_test_app("gmm", NULL, 1280, 800, &err);
  gmm_view *v;
  cJSON *tab, *fit;
  int t, k, bt = 0, bk = 1, nfit = 0;
  double nonbg0, nonbg1;
  ASSERT_TRUE(app != NULL);
  if (!app) return;
  v = mx_app_view_state(app, "gmm");
  ASSERT_INT_EQ(mx_test_frame_stats(app, "select0.png", &nonbg0, NULL), MX_OK);
  ASSERT_TRUE(!mx_test_view_true(app, "gmm", MX_TEST_REPRINTED, "select"));
  mx_test_key(app, SDLK_x, KMOD_NONE); /* headless: waits for the worker */
  ASSERT_TRUE(mx_test_view_true(app, "gmm", MX_TEST_REPRINTED, "select"));
  ASSERT_INT_EQ(mx_gmm_select_state(&v->sel, NULL), 2);
  ASSERT_INT_EQ(mx_test_frame_stats(app, "select1.png", &nonbg1, NULL), MX_OK);
  ASSERT_TRUE(fabs(nonbg1 - nonbg0) > 1e-3); /* the panel changed the picture */
  tab = cli_table(v);
  ASSERT_TRUE(tab != NULL);
  if (!tab) {
    mx_app_destroy(app);
    return;
  }
  cJSON_ArrayForEach(fit, cJSON_GetObjectItem(tab, "fits")) {
    k = (int)mx_test_json_num(fit, "k");
    t = mx_gmm_cov_find(cJSON_GetObjectItem(fit, "covariance_type")->valuestring);
    ASSERT_TRUE(t >= 0 && k >= 1 && k <= MX_GSEL_KMAX);
    if (t < 0 || k < 1 || k > MX_GSEL_KMAX) continue;
    ASSERT_TRUE(v->sel.ok[t][k - 1]);
    ASSERT_NEAR(v->sel.bic[t][k - 1], mx_test_json_num(fit, "bic"),
                1e-9 * fabs(v->sel.bic[t][k - 1]));
    ASSERT_NEAR(v->sel.aic[t][k - 1], mx_test_json_num(fit, "aic"),
                1e-9 * fabs(v->sel.aic[t][k - 1]));
    nfit++;
  }
  ASSERT_INT_EQ(nfit, MX_GMM_NCOV * MX_GSEL_KMAX);
  /* the panel's best by BIC (lowest, first on ties as the CLI) is the CLI's */
  for (t = 0; t < MX_GMM_NCOV; t++)
    for (k = 1; k <= MX_GSEL_KMAX; k++)
      if (v->sel.bic[t][k - 1] < v->sel.bic[bt][bk - 1]) {
        bt = t;
        bk = k;
      }
  fit = cJSON_GetObjectItem(tab, "best_bic");
  ASSERT_INT_EQ(bk, (int)mx_test_json_num(fit, "k"));
  ASSERT_STR_EQ(mx_gmm_cov_name(bt), cJSON_GetObjectItem(fit, "covariance_type")->valuestring);
  cJSON_Delete(tab);
  /* X again hides the panel */
  mx_test_key(app, SDLK_x, KMOD_NONE);
  ASSERT_TRUE(!mx_test_view_true(app, "gmm", MX_TEST_REPRINTED, "select"));
  mx_app_destroy(app);
}

int main(void) {
  test_bmm_sample();
  test_theta_sample();
  test_select_panel();
  TEST_MAIN_END();
}
