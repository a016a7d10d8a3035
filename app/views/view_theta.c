/* mixscope — the θ view, the heart of the lecture: one Bernoulli θ per pixel.
 *
 * Panel 1 (θ maps): the raw MLE θ = n₁/n beside the Beta(a, a) estimate, as
 * heatmaps on one colour bar, pixels with θ exactly 0 or 1 in red (a pixel value
 * with probability zero), the test NLL of each (raw: inf) and the notes' formula
 * (raw: nan), and a test digit with its per-pixel log-likelihood under both.
 * Panel 2 (naive Bayes): the ten per-class θ maps, accuracy, confusion matrix.
 *
 * Everything numeric comes from core/bernoulli: training counts are taken once
 * (again only when the threshold changes); moving the prior refits θ from the
 * counts. A threshold change reads its counts off per-class grey-level
 * histograms of the training digits (one lookup per pixel and class), which a
 * background job (ui/pool.h) builds once after the view opens; until they are ready the
 * counts are taken from the images (the same numbers, only slower). The test
 * digits are never binarized as a whole: their grey-level histogram, built
 * once, gives the test NLL at any threshold in one pass over the pixels (only
 * the digits meeting a zero-probability pixel are read again), and naive
 * Bayes reads lists of the lit pixels, made once per threshold.
 * Heatmaps are cached textures, rebuilt only when their numbers change.
 *
 * Sections: helpers · computing (core) · lifecycle · events · drawing: side
 * panel · drawing: θ maps · set / scenes · accessor (naive Bayes: view_theta_nb.c). */
#include "view_theta_priv.h"

/* Up / Down step through these priors. */
static const double tv_ladder[] = {0, 0.01, 0.1, 0.5, 1, 2, 5, 10, 100, 1000, 10000};
#define TV_NLADDER ((int)(sizeof tv_ladder / sizeof tv_ladder[0]))

/* ------------------------------------------------------------------ helpers */

void tv_fmt_count(char *buf, size_t n, size_t v) {
  char tmp[32];
  int len, i, o = 0;
  snprintf(tmp, sizeof tmp, "%zu", v);
  len = (int)strlen(tmp);
  for (i = 0; i < len && o + 2 < (int)n; i++) {
    if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
}

/* A number with prec digits ('f' or 'g' style), the special values as numpy
 * prints them: inf, -inf, nan. */
void tv_fmt_num(char *buf, size_t n, char style, int prec, double v) {
  if (isnan(v)) snprintf(buf, n, "nan");
  else if (isinf(v)) snprintf(buf, n, v > 0 ? "inf" : "-inf");
  else snprintf(buf, n, style == 'g' ? "%.*g" : "%.*f", prec, v);
}

static void tv_fmt_prior(char *buf, size_t n, double a) {
  if (a == 0) snprintf(buf, n, "0");
  else if (a >= 100) snprintf(buf, n, "%.0f", a);
  else snprintf(buf, n, "%.3g", a);
}

static uint32_t tv_px(mx_color c) {
  uint32_t v;
  memcpy(&v, &c, sizeof v); /* bytes r, g, b, a in memory order = ABGR8888 */
  return v;
}

mx_color tv_mix(mx_color a, mx_color b, double f) {
  mx_color c;
  if (f < 0) f = 0;
  if (f > 1) f = 1;
  c.r = (uint8_t)lround(a.r + (b.r - a.r) * f);
  c.g = (uint8_t)lround(a.g + (b.g - a.g) * f);
  c.b = (uint8_t)lround(a.b + (b.b - a.b) * f);
  c.a = 255;
  return c;
}

static double tv_slider_from_prior(double a) {
  double s;
  if (!(a > 0)) return 0.0;
  s = (log10(a) - TV_LOG_LO) / (TV_LOG_HI - TV_LOG_LO);
  return s < 0 ? 0 : s > 1 ? 1 : s;
}

/* Slider position to a prior, rounded to two significant digits (0 at the left end). */
static double tv_prior_from_slider(double s) {
  double a, e;
  if (s <= 0) return 0.0;
  a = pow(10.0, TV_LOG_LO + s * (TV_LOG_HI - TV_LOG_LO));
  e = pow(10.0, floor(log10(a)) - 1);
  a = round(a / e) * e;
  return a > TV_PRIOR_MAX ? TV_PRIOR_MAX : a;
}

static void tv_dirty_all_tex(theta_view *t) {
  int i;
  for (i = 0; i < TV_NMAPS; i++) t->tex_dirty[i] = 1;
}

static void tv_set_prior(theta_view *t, double a) {
  if (!(a >= 0)) a = 0;
  if (a > TV_PRIOR_MAX) a = TV_PRIOR_MAX;
  if (a != t->prior) {
    t->prior = a;
    t->fit_dirty = 1;
  }
}

static void tv_set_map(theta_view *t, int on) {
  on = on != 0;
  if (on != t->map) {
    t->map = on;
    t->fit_dirty = 1;
  }
}

static void tv_set_threshold(theta_view *t, double thr) {
  if (thr < 0) thr = 0;
  if (thr > 1) thr = 1;
  thr = round(thr * 1e6) / 1e6; /* keep nudged values like 0.55 exact in scenes */
  if (thr != t->threshold) {
    t->threshold = thr;
    t->counts_dirty = 1;
  }
}

static void tv_set_digit(theta_view *t, long i) {
  if (i < 0) i = 0;
  if (i > (long)t->ntest - 1) i = (long)t->ntest - 1;
  if (i != t->digit) {
    t->digit = i;
    t->digit_dirty = 1;
  }
}

static void tv_set_panel(theta_view *t, int p) {
  t->panel = p ? 1 : 0;
  t->samp.shown = 0;
}

/* Next (dir > 0) or previous test digit whose raw NLL is infinite; -1 if none. */
static long tv_find_impossible(theta_view *t, int dir) {
  long n = (long)t->ntest, k, i;
  for (k = 1; k <= n; k++) {
    i = ((t->digit + dir * k) % n + n) % n;
    if (t->imp_raw[i]) return i;
  }
  return -1;
}

/* ------------------------------------------------------------------ computing (core) */

static void tv_refresh(theta_view *t) {
  const mx_mnist *m = t->m;
  if (t->counts_dirty) {
    if (t->hist_job && mx_job_state(t->hist_job) == MX_JOB_DONE)
      mx_bern_count_hist(&t->cnt, &t->htrain, t->threshold); /* = mx_bern_count_images */
    else
      mx_bern_count_images(&t->cnt, &m->train, t->threshold);
    mx_bern_fit(&t->raw, &t->cnt, 0.0, 0.0, 0); /* n > 0 (checked at create): cannot fail */
    /* mx_bern_nll_eval's numbers without binarizing the test digits
     * (tests/test_bernoulli_fast.c checks the two agree) */
    mx_bern_nll_hist(&t->raw, 0, &t->htest, m->test.pix, t->threshold, &t->raw_nll, t->culprit,
                     t->imp_raw);
    t->counts_dirty = 0;
    t->fit_trend = 0; /* other test pixels: not comparable with the NLL before */
    t->fit_nll.mean = NAN;
    t->fit_dirty = t->nb_dirty = t->digit_dirty = 1;
    t->tex_dirty[TEX_RAW] = 1;
  }
  if (t->fit_dirty) {
    double before = t->fit_rc == 0 ? t->fit_nll.mean : NAN; /* NaN on the first fit */
    t->fit_rc = mx_bern_fit(&t->fit, &t->cnt, t->prior, t->prior, t->map);
    if (t->fit_rc == 0)
      mx_bern_nll_hist(&t->fit, 0, &t->htest, m->test.pix, t->threshold, &t->fit_nll, NULL,
                       t->imp_fit);
    /* better / worse than before this change (+inf compares too: raw -> Laplace is better) */
    if (t->fit_rc != 0 || isnan(before) || isnan(t->fit_nll.mean)) t->fit_trend = 0;
    else if (t->fit_nll.mean < before) t->fit_trend = -1;
    else if (t->fit_nll.mean > before) t->fit_trend = 1;
    t->fit_dirty = 0;
    t->nb_dirty = t->digit_dirty = 1;
    t->tex_dirty[TEX_FIT] = 1;
  }
  if (t->nb_dirty && t->panel == 1) {
    t->nb_rc = mx_bern_fit(&t->nb, &t->cnt, t->prior, t->prior, t->map);
    if (t->nb_rc == 0 && t->lit_ok) {
      if (t->tlit.threshold != t->threshold) mx_bern_lit_set(&t->tlit, m->test.pix, t->threshold);
      mx_bern_nb_evaluate_lit(&t->nb, &t->tlit, m->test.pix, m->test.labels, &t->nbev, t->pred);
    } else if (t->nb_rc == 0) {
      mx_bern_nb_evaluate_grey(&t->nb, m->test.pix, t->threshold, m->test.labels, t->ntest,
                               &t->nbev, t->pred);
    }
    t->nb_dirty = 0;
    t->digit_dirty = 1;
    for (int c = 0; c < MX_BERN_NCLASS; c++) t->tex_dirty[TEX_CLASS + c] = 1;
  }
  if (t->digit_dirty) {
    const uint8_t *x = t->xd;
    size_t j;
    mx_binarize(m->test.pix + (size_t)t->digit * t->d, t->d, t->threshold, t->xd);
    t->ll_raw = mx_bern_loglik(&t->raw, 0, x, t->c_raw);
    t->ninf_raw = 0;
    for (j = 0; j < t->d; j++) t->ninf_raw += isinf(t->c_raw[j]) ? 1 : 0;
    t->ninf_fit = 0;
    if (t->fit_rc == 0) {
      t->ll_fit = mx_bern_loglik(&t->fit, 0, x, t->c_fit);
      for (j = 0; j < t->d; j++) t->ninf_fit += isinf(t->c_fit[j]) ? 1 : 0;
    } else {
      t->ll_fit = NAN;
    }
    t->nb_digit_pred = -2;
    if (t->nb_rc == 0 && t->nb.k == MX_BERN_NCLASS && !t->nb_dirty)
      t->nb_digit_pred = mx_bern_nb_scores(&t->nb, x, t->nb_score);
    t->digit_dirty = 0;
    t->tex_dirty[TEX_CRAW] = t->tex_dirty[TEX_CFIT] = 1;
  }
}

/* Fill one RGBA map. kind: 0 θ in [0, 1] (θ = 0 or 1 in red), 1 log-likelihood
 * contributions shown as surprise -log p in [0, TV_SURPRISE_HI] (-inf in red). */
static void tv_fill(theta_view *t, uint32_t *out, const double *v, int kind, mx_color red) {
  size_t j;
  uint32_t r = tv_px(red);
  for (j = 0; j < t->d; j++) {
    double x = v[j];
    if (kind == 0)
      out[j] = (x == 0.0 || x == 1.0) ? r : tv_px(mx_cmap(MX_CMAP_THETA, x, 0.0, 1.0));
    else
      out[j] = isinf(x) ? r : tv_px(mx_cmap(MX_CMAP_VIRIDIS, -x, 0.0, TV_SURPRISE_HI));
  }
}

/* Draw cached map i into dst, rebuilding its pixels first if dirty. */
void tv_draw_map(theta_view *t, mx_ui *ui, int i, mx_rect dst, const double *v, int kind) {
  const mx_theme *th = mx_ui_theme(ui);
  uint32_t *buf = t->rgba + (size_t)i * t->d;
  int dirty = t->tex_dirty[i];
  if (dirty && v) tv_fill(t, buf, v, kind, th->bad);
  mx_draw_rgba(ui, &t->tex[i], dirty, dst, buf, t->cols, t->rows);
  mx_draw_rect_outline(ui, mx_rect_inset(dst, -1), th->border, 1);
  t->tex_dirty[i] = 0;
}

/* ------------------------------------------------------------------ lifecycle */

/* The job building the training histograms (~50 ms on MNIST), off the
 * first frames: begin, TV_HIST_CHUNK images a step, end (= mx_bern_hist_build). */
#define TV_HIST_CHUNK 1024
static int tv_hist_step(void *arg) {
  theta_view *t = arg;
  const mx_images *im = &t->m->train;
  if (!t->hist_begun) {
    int rc = mx_bern_hist_begin(&t->htrain, im, 1);
    if (rc != MX_OK) return rc;
    t->hist_begun = 1;
    return MX_JOB_MORE;
  }
  if (t->hist_next < im->n) {
    mx_bern_hist_add(&t->htrain, im, t->hist_next, t->hist_next + TV_HIST_CHUNK);
    t->hist_next += TV_HIST_CHUNK;
    return MX_JOB_MORE;
  }
  mx_bern_hist_end(&t->htrain, im);
  return MX_JOB_DONE;
}

static void tv_destroy(void *state) {
  theta_view *t = state;
  int i;
  if (!t) return;
  mx_job_cancel(t->hist_job); /* (waits for a step in progress) */
  for (i = 0; i < TV_NMAPS; i++) mx_texture_free(&t->tex[i]);
  for (i = 0; i < MX_THETA_STRIP; i++) mx_texture_free(&t->tex_thumb[i]);
  mx_texture_free(&t->tex_digit);
  mx_sample_set_free(&t->samp);
  mx_bern_counts_free(&t->cnt);
  mx_bern_hist_free(&t->htest);
  mx_bern_hist_free(&t->htrain);
  mx_bern_lit_free(&t->tlit);
  mx_bern_free(&t->raw);
  mx_bern_free(&t->fit);
  mx_bern_free(&t->nb);
  free(t->xd);
  free(t->culprit);
  free(t->imp_raw);
  free(t->imp_fit);
  free(t->pred);
  free(t->c_raw);
  free(t->c_fit);
  free(t->rgba);
  free(t);
}

static void *tv_create(mx_app *app, mx_error *err) {
  const mx_mnist *m = mx_app_mnist(app, err);
  theta_view *t;
  size_t d, n;
  if (!m) return NULL;
  if (m->train.n == 0 || m->test.n == 0 || m->train.d == 0) {
    mx_error_set(err, MX_EEMPTY, "%s: the dataset has no images", m->dir);
    return NULL;
  }
  t = calloc(1, sizeof *t);
  if (!t) {
    mx_error_set(err, MX_ENOMEM, "θ view: out of memory");
    return NULL;
  }
  d = m->train.d;
  n = m->test.n;
  t->m = m;
  t->d = d;
  t->ntest = n;
  t->rows = (int)m->train.rows;
  t->cols = (int)m->train.cols;
  t->prior = 1.0;
  t->threshold = 0.5;
  t->strip_first = -1;
  if (mx_bern_counts_alloc(&t->cnt, d) || mx_bern_hist_build(&t->htest, &m->test, 0) ||
      mx_bern_alloc(&t->raw, 1, d) ||
      mx_bern_alloc(&t->fit, 1, d) || mx_bern_alloc(&t->nb, MX_BERN_NCLASS, d) ||
      !(t->xd = calloc(d, 1)) || !(t->culprit = calloc(d, sizeof *t->culprit)) ||
      !(t->imp_raw = calloc(n, 1)) || !(t->imp_fit = calloc(n, 1)) ||
      !(t->pred = calloc(n, sizeof *t->pred)) ||
      !(t->c_raw = calloc(d, sizeof *t->c_raw)) || !(t->c_fit = calloc(d, sizeof *t->c_fit)) ||
      !(t->rgba = calloc((size_t)TV_NMAPS * d, sizeof *t->rgba))) {
    tv_destroy(t);
    mx_error_set(err, MX_ENOMEM, "θ view: out of memory");
    return NULL;
  }
  /* lit lists need D <= 65,536 pixels (16-bit indices): MNIST's 784 always fit */
  t->lit_ok = mx_bern_lit_alloc(&t->tlit, m->test.pix, n, d) == 0;
  t->hist_job = mx_job_submit(tv_hist_step, t); /* (NULL: the counts read the images) */
  t->counts_dirty = 1;
  t->nb_rc = -1;
  t->strip_dirty = 1;
  tv_dirty_all_tex(t);
  /* Start on the first digit that raw θ calls impossible: the lecture's point. */
  tv_refresh(t);
  {
    long i = tv_find_impossible(t, 1);
    tv_set_digit(t, i >= 0 ? i : 0);
  }
  return t;
}

/* ------------------------------------------------------------------ events */

static void tv_step_prior(theta_view *t, int dir) {
  int i;
  if (dir > 0) {
    for (i = 0; i < TV_NLADDER; i++)
      if (tv_ladder[i] > t->prior * (1 + 1e-9)) {
        tv_set_prior(t, tv_ladder[i]);
        return;
      }
  } else {
    for (i = TV_NLADDER - 1; i >= 0; i--)
      if (tv_ladder[i] < t->prior * (1 - 1e-9)) {
        tv_set_prior(t, tv_ladder[i]);
        return;
      }
  }
}

/* G: TV_NSAMP digits from the model of the panel shown (θ maps: every pixel
 * ~ Bernoulli(θ_j), the estimate with the prior in force; naive Bayes: a
 * class uniformly, then its θ); Shift+G: back to the panel. */
static void tv_key_sample(theta_view *t, mx_app *app, int back) {
  static const double uniform[MX_BERN_NCLASS] = {.1, .1, .1, .1, .1, .1, .1, .1, .1, .1};
  int nb = t->panel == 1, rc = MX_EINVAL;
  t->samp.shown = 0;
  if (back) return;
  if ((nb ? t->nb_rc : t->fit_rc) == 0 && t->rows == t->cols &&
      (t->samp.x || mx_sample_set_alloc(&t->samp, TV_NSAMP, 12, t->cols) == MX_OK))
    rc = nb ? mx_sample_set_draw(&t->samp, uniform, t->nb.theta, MX_BERN_NCLASS)
            : mx_sample_set_draw(&t->samp, NULL, t->fit.theta, 1);
  if (rc == MX_OK) t->samp_nb = nb;
  else mx_app_status(app, "No model to sample from (θ undefined)");
}

static int tv_event(void *state, mx_app *app, const SDL_Event *ev) {
  theta_view *t = state;
  SDL_Keycode k;
  int shift;
  if (ev->type != SDL_KEYDOWN) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  k = ev->key.keysym.sym;
  shift = (ev->key.keysym.mod & KMOD_SHIFT) != 0;
  switch (k) {
  case SDLK_LEFT: tv_set_digit(t, t->digit - (shift ? 10 : 1)); return 1;
  case SDLK_RIGHT: tv_set_digit(t, t->digit + (shift ? 10 : 1)); return 1;
  case SDLK_HOME: tv_set_digit(t, 0); return 1;
  case SDLK_END: tv_set_digit(t, (long)t->ntest - 1); return 1;
  case SDLK_UP: tv_step_prior(t, 1); return 1;
  case SDLK_DOWN: tv_step_prior(t, -1); return 1;
  case SDLK_0:
  case SDLK_KP_0: tv_set_prior(t, 0.0); return 1;
  case SDLK_1:
  case SDLK_KP_1: tv_set_prior(t, 1.0); return 1; /* a = 1 (shadows the view switch: Ctrl 1) */
  case SDLK_e:
    if (!ev->key.repeat) tv_set_map(t, !t->map);
    return 1;
  case SDLK_g: tv_key_sample(t, app, shift); return 1;
  case SDLK_LEFTBRACKET: tv_set_threshold(t, t->threshold - TV_NUDGE); return 1;
  case SDLK_RIGHTBRACKET: tv_set_threshold(t, t->threshold + TV_NUDGE); return 1;
  case SDLK_x: /* the other panel (the key map's X) */
    if (!ev->key.repeat) tv_set_panel(t, !t->panel);
    return 1;
  case SDLK_j: { /* jump to an impossible digit */
    long i;
    tv_refresh(t);
    i = tv_find_impossible(t, shift ? -1 : 1);
    if (i >= 0) tv_set_digit(t, i);
    else mx_app_status(app, "No test digit is impossible under raw θ at threshold %.2f",
                       t->threshold);
    return 1;
  }
  default: return 0;
  }
}

/* ------------------------------------------------------------------ drawing: side panel */

static void tv_draw_strip(theta_view *t, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_images *te = &t->m->test;
  int gap = mx_ui_px(ui, 8), lhS = mx_line_height(ui, MX_FONT_SMALL), k, per_row = 5, nrows = 2;
  int cw = (r.w - (per_row - 1) * gap) / per_row, side = cw, page;
  long first;
  int rebuild;
  /* two rows of five if they fit, else one, else none (a tiny window) */
  if (side > (r.h - 2 * (lhS + gap)) / 2) side = (r.h - 2 * (lhS + gap)) / 2;
  if (side < t->cols) {
    nrows = 1;
    side = cw < r.h - lhS - gap ? cw : r.h - lhS - gap;
  }
  t->nthumb = 0;
  if (side < t->cols / 2) return;
  page = per_row * nrows;
  first = t->digit / page * page;
  rebuild = first != t->strip_first || t->strip_dirty;
  for (k = 0; k < page && first + k < (long)t->ntest; k++) {
    long i = first + k;
    mx_rect c = {r.x + (k % per_row) * (cw + gap) + (cw - side) / 2,
                 r.y + (k / per_row) * (side + lhS + gap), side, side};
    mx_rect lab = {c.x, c.y + c.h, c.w, lhS};
    int impossible = t->imp_raw[i];
    char buf[128];
    mx_draw_gray(ui, &t->tex_thumb[k], rebuild, c, te->pix + (size_t)i * t->d, t->cols, t->rows);
    if (i == t->digit)
      mx_draw_rect_outline(ui, mx_rect_inset(c, -mx_ui_px(ui, 3)), th->accent, mx_ui_px(ui, 3));
    else if (impossible)
      mx_draw_rect_outline(ui, mx_rect_inset(c, -mx_ui_px(ui, 2)), th->bad, mx_ui_px(ui, 2));
    else if (mx_ui_hover(ui, c))
      mx_draw_rect_outline(ui, mx_rect_inset(c, -mx_ui_px(ui, 2)), th->text, mx_ui_px(ui, 2));
    snprintf(buf, sizeof buf, "%d", te->labels[i]);
    mx_text_in(ui, lab, MX_FONT_SMALL, MX_ALIGN_CENTER,
               i == t->digit ? th->accent : impossible ? th->bad : th->text_dim, buf);
    if (impossible) {
      snprintf(buf, sizeof buf, "test #%ld (label %d): raw θ gives probability 0", i, te->labels[i]);
      mx_tooltip(ui, c, buf);
    }
    if (mx_ui_clicked(ui, c, 1)) tv_set_digit(t, i);
    t->thumb[k] = c;
    t->thumb_idx[k] = i;
    t->nthumb++;
  }
  t->strip_first = rebuild ? first : t->strip_first;
  t->strip_dirty = 0;
}

/* The largest font from `font` down to SMALL in which s fits in w pixels. */
static int tv_fit_font_from(mx_ui *ui, int font, const char *s, int w) {
  int tw;
  for (; font > MX_FONT_SMALL; font--) {
    mx_text_size(ui, font, s, &tw, NULL);
    if (tw <= w) return font;
  }
  return MX_FONT_SMALL;
}

/* BODY if s fits in w pixels, else SMALL. */
static int tv_fit_font(mx_ui *ui, const char *s, int w) { return tv_fit_font_from(ui, MX_FONT_BODY, s, w); }

static void tv_draw_side(theta_view *t, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int bh = mx_ui_px(ui, 38), gap = mx_ui_px(ui, 8), lh = mx_line_height(ui, MX_FONT_BODY);
  int lhS = mx_line_height(ui, MX_FONT_SMALL), w3;
  char buf[160], a[32], b[32];
  mx_rect c, row, b1, b2;
  row = mx_rect_cut_top(&r, bh); /* which panel, or samples of its model (G) */
  w3 = (row.w - 2 * gap) / 3;
  b1 = mx_rect_cut_left(&row, w3 + gap), b2 = mx_rect_cut_left(&row, w3 + gap);
  b1.w = b2.w = w3;
  if (mx_button_on(ui, b1, "θ maps", !t->panel && !t->samp.shown)) tv_set_panel(t, 0);
  if (mx_button_on(ui, b2, "Naive Bayes X", t->panel && !t->samp.shown)) tv_set_panel(t, 1);
  if (mx_button_on(ui, row, "Sample G", t->samp.shown)) tv_key_sample(t, app, 0);
  mx_rect_cut_top(&r, gap + gap / 2);
  c = mx_panel(ui, r, "Prior  Beta(a, a)");
  /* prior slider: log scale from 0.001 to 10,000, left end = 0 */
  t->slider_pos = tv_slider_from_prior(t->prior);
  tv_fmt_prior(a, sizeof a, t->prior);
  snprintf(buf, sizeof buf, "a = b = %s", a);
  if (mx_slider(ui, mx_rect_cut_top(&c, lh * 2 + mx_ui_px(ui, 4)), "Strength",
                &t->slider_pos, 0.0, 1.0, buf, 0))
    tv_set_prior(t, tv_prior_from_slider(t->slider_pos));
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, bh);
  w3 = (row.w - 2 * gap) / 3;
  if (mx_button_on(ui, mx_rect_cut_left(&row, w3), "Raw   0", t->prior == 0)) tv_set_prior(t, 0);
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, mx_rect_cut_left(&row, w3), "Laplace  1", t->prior == 1)) tv_set_prior(t, 1);
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, row, "a = 100", t->prior == 100)) tv_set_prior(t, 100);
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, bh);
  w3 = (row.w - gap) / 2;
  if (mx_button_on(ui, mx_rect_cut_left(&row, w3), "Mean", !t->map)) tv_set_map(t, 0);
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, row, "Mode (MAP)   E", t->map)) tv_set_map(t, 1);
  mx_rect_cut_top(&c, gap / 2);
  mx_text_in(ui, mx_rect_cut_top(&c, lhS), MX_FONT_SMALL, MX_ALIGN_LEFT, th->text,
             t->map ? "θ = (n₁ + a − 1) / (n + 2a − 2)" : "θ = (n₁ + a) / (n + 2a)");
  mx_text_in(ui, mx_rect_cut_top(&c, lhS), MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim,
             t->map ? "the posterior's peak, clamped to [0, 1]"
                    : "as if a lit and a dark digit were added a times");
  mx_rect_cut_top(&c, gap + gap / 2);
  {
    double thr = t->threshold;
    if (mx_slider(ui, mx_rect_cut_top(&c, lh * 2 + mx_ui_px(ui, 4)), "Binarize  pixel/255 >   [ ]",
                  &thr, 0.0, 1.0, "%.2f", 0))
      tv_set_threshold(t, thr);
  }
  mx_rect_cut_top(&c, gap / 2);
  tv_fmt_count(a, sizeof a, t->m->train.n);
  tv_fmt_count(b, sizeof b, t->ntest);
  snprintf(buf, sizeof buf, "%s train · %s test · data: %s", a, b, mx_data_source_name(t->m->source));
  mx_text_in(ui, mx_rect_cut_top(&c, lhS), MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, buf);
  mx_rect_cut_top(&c, gap + gap / 2);
  /* test digit picker (left out of a panel too short for it: Left / Right still pick) */
  if (c.h < 2 * lh + 4 * gap + bh) return;
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap + gap / 2);
  {
    mx_rect head = mx_rect_cut_top(&c, lh);
    mx_text_in(ui, head, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, "Test digit   Left / Right");
    tv_fmt_count(a, sizeof a, (size_t)t->digit);
    snprintf(buf, sizeof buf, "#%s", a);
    mx_text_in(ui, head, MX_FONT_BODY, MX_ALIGN_RIGHT, th->accent, buf);
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_bottom(&c, bh);
  mx_rect_cut_bottom(&c, gap);
  w3 = (row.w - 2 * gap) / 3;
  if (mx_button(ui, mx_rect_cut_left(&row, w3), "<  Prev")) tv_set_digit(t, t->digit - 1);
  mx_rect_cut_left(&row, gap);
  if (mx_button(ui, mx_rect_cut_left(&row, w3), "Next  >")) tv_set_digit(t, t->digit + 1);
  mx_rect_cut_left(&row, gap);
  if (mx_button(ui, row, "Impossible")) {
    long i = tv_find_impossible(t, 1);
    if (i >= 0) tv_set_digit(t, i);
  }
  mx_tooltip(ui, row, "J: the next test digit with a pixel that raw θ gives probability 0");
  tv_draw_strip(t, ui, c);
}

/* ------------------------------------------------------------------ drawing: θ maps */

/* Title over a map, centred: line 1 large, line 2 dim. */
static void tv_map_title(mx_ui *ui, mx_rect r, const char *l1, const char *l2, mx_color c1) {
  const mx_theme *th = mx_ui_theme(ui);
  int lhL = mx_line_height(ui, MX_FONT_LARGE), lh = mx_line_height(ui, MX_FONT_BODY);
  mx_text_in(ui, (mx_rect){r.x, r.y, r.w, lhL}, tv_fit_font_from(ui, MX_FONT_LARGE, l1, r.w),
             MX_ALIGN_CENTER, c1, l1);
  if (l2)
    mx_text_in_parts(ui, (mx_rect){r.x, r.y + lhL, r.w, lh}, tv_fit_font(ui, l2, r.w),
                     MX_ALIGN_CENTER, th->text_dim, l2);
}

/* Tooltip with a pixel's counts when the mouse is over a θ map (cls -1: all digits). */
void tv_map_hover(theta_view *t, mx_ui *ui, mx_rect dst, const mx_bern *m, int cls) {
  int mx, my, r, c;
  size_t j, n, n1;
  char buf[200], th[32], s1[32], s2[32];
  if (!mx_ui_hover(ui, dst)) return;
  mx_ui_mouse(ui, &mx, &my);
  c = (mx - dst.x) * t->cols / dst.w;
  r = (my - dst.y) * t->rows / dst.h;
  if (c < 0 || r < 0 || c >= t->cols || r >= t->rows) return;
  j = (size_t)r * (size_t)t->cols + (size_t)c;
  n = cls < 0 ? t->cnt.n : t->cnt.nc[cls];
  n1 = cls < 0 ? t->cnt.n1[j] : t->cnt.n1c[(size_t)cls * t->d + j];
  tv_fmt_num(th, sizeof th, 'g', 6, m->theta[(cls < 0 ? 0 : (size_t)cls * t->d) + j]);
  tv_fmt_count(s1, sizeof s1, n1);
  tv_fmt_count(s2, sizeof s2, n);
  if (cls < 0)
    snprintf(buf, sizeof buf, "pixel (row %d, col %d): lit in %s of %s training digits  →  θ = %s",
             r, c, s1, s2, th);
  else
    snprintf(buf, sizeof buf, "pixel (row %d, col %d): lit in %s of %s training %ds  →  θ = %s", r,
             c, s1, s2, cls, th);
  mx_tooltip(ui, (mx_rect){mx, my, 1, 1}, buf);
}

/* Tooltip for a surprise map of the selected digit. */
static void tv_surprise_hover(theta_view *t, mx_ui *ui, mx_rect dd, const double *cv, const mx_bern *mm) {
  int mx, my, rr, cc, xj;
  size_t j;
  char buf[200], v1[32], v2[32];
  if (!mx_ui_hover(ui, dd)) return;
  mx_ui_mouse(ui, &mx, &my);
  cc = (mx - dd.x) * t->cols / dd.w;
  rr = (my - dd.y) * t->rows / dd.h;
  if (cc < 0 || rr < 0 || cc >= t->cols || rr >= t->rows) return;
  j = (size_t)rr * (size_t)t->cols + (size_t)cc;
  xj = t->xd[j];
  tv_fmt_num(v1, sizeof v1, 'f', 4, -cv[j]);
  tv_fmt_num(v2, sizeof v2, 'g', 4, mm->theta[j]);
  snprintf(buf, sizeof buf, "pixel (row %d, col %d): x = %d, θ = %s  →  %s = %s", rr, cc, xj, v2,
           xj ? "−log θ" : "−log(1 − θ)", v1);
  mx_tooltip(ui, (mx_rect){mx, my, 1, 1}, buf);
}

/* The two one-line explanations under the maps, with the red / amber keys
 * drawn inline. */
static void tv_explain(mx_ui *ui, mx_rect expl) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_BODY);
  int sw = mx_ui_px(ui, 12), x = expl.x, y1 = expl.y, y2 = expl.y + lh, f;
  const char *s1 = "θ = 0: never lit in training.", *s2 =
    "lit in a test digit: probability 0, so NLL = inf.";
  const char *s3 = "nan: the notes' −Σ x·log θ computes 0·log 0 = 0·(−inf) = NaN, and it omits "
                   "the (1 − x)·log(1 − θ) term.";
  int w1, w2;
  mx_text_size(ui, MX_FONT_BODY, s1, &w1, NULL);
  mx_text_size(ui, MX_FONT_BODY, s2, &w2, NULL);
  f = w1 + w2 + 3 * sw + mx_ui_px(ui, 40) <= expl.w ? MX_FONT_BODY : MX_FONT_SMALL;
  mx_draw_rect(ui, (mx_rect){x, y1 + lh / 2 - sw / 2, sw, sw}, th->bad);
  x += sw + mx_ui_px(ui, 8);
  x += mx_text(ui, x, y1 + (lh - mx_line_height(ui, f)) / 2, f, th->text, "%s", s1);
  x += mx_ui_px(ui, 22);
  mx_draw_rect_outline(ui, (mx_rect){x, y1 + lh / 2 - sw / 2, sw, sw}, th->accent, mx_ui_px(ui, 3));
  x += sw + mx_ui_px(ui, 8);
  mx_text(ui, x, y1 + (lh - mx_line_height(ui, f)) / 2, f, th->text, "%s", s2);
  {
    const char *v[2] = {s3, "nan: the notes' −Σ x·log θ computes 0·log 0 = 0·(−inf) = NaN."};
    mx_text_fit(ui, (mx_rect){expl.x, y2, expl.w, lh}, tv_fit_font(ui, s3, expl.w), MX_ALIGN_LEFT,
                th->text_dim, v, 2);
  }
}

/* The selected test digit in lower: image, surprise maps (kd px a pixel),
 * colour bar (cbw wide), numbers. */
static void tv_test_digit(theta_view *t, mx_ui *ui, mx_rect lower, int kd, int cbw) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_BODY), lhS = mx_line_height(ui, MX_FONT_SMALL);
  char buf[256], v1[32], a[32];
  const mx_images *te = &t->m->test;
  int s2 = kd * t->cols, h2 = kd * t->rows, y = lower.y + lhS + mx_ui_px(ui, 4);
  int g2 = mx_ui_px(ui, 18), tw, x;
  mx_rect d0 = {lower.x, y, s2, h2}, d1 = {d0.x + s2 + g2, y, s2, h2};
  mx_rect d2 = {d1.x + s2 + g2, y, s2, h2}, cb = {d2.x + s2 + mx_ui_px(ui, 10), y, cbw, h2};
  mx_rect txt;
  int fresh = t->tex_dirty[TEX_CRAW];
  {
    static const char *const l0[2] = {"test digit", "digit"}, *const l1[2] = {"−log p, raw", "raw"},
                             *const l2[2] = {"−log p, prior", "prior"};
    mx_text_fit(ui, (mx_rect){d0.x - g2 / 2, lower.y, s2 + g2, lhS}, MX_FONT_SMALL, MX_ALIGN_CENTER,
                th->text_dim, l0, 2);
    mx_text_fit(ui, (mx_rect){d1.x - g2 / 2, lower.y, s2 + g2, lhS}, MX_FONT_SMALL, MX_ALIGN_CENTER,
                th->text_dim, l1, 2);
    mx_text_fit(ui, (mx_rect){d2.x - g2 / 2, lower.y, s2 + g2, lhS}, MX_FONT_SMALL, MX_ALIGN_CENTER,
                th->text_dim, l2, 2);
  }
  mx_draw_gray(ui, &t->tex_digit, fresh, d0, te->pix + (size_t)t->digit * t->d, t->cols, t->rows);
  mx_draw_rect_outline(ui, mx_rect_inset(d0, -1), th->border, 1);
  tv_draw_map(t, ui, TEX_CRAW, d1, t->c_raw, 1);
  {
    /* the pixels that make this digit impossible: amber rings, as on the θ map */
    size_t j;
    for (j = 0; j < t->d && t->ninf_raw; j++)
      if (isinf(t->c_raw[j])) {
        mx_rect cell = {d1.x + (int)(j % (size_t)t->cols) * kd,
                        d1.y + (int)(j / (size_t)t->cols) * kd, kd, kd};
        mx_draw_rect_outline(ui, mx_rect_inset(cell, -mx_ui_px(ui, 2)), th->accent,
                             mx_ui_px(ui, 2));
      }
  }
  tv_surprise_hover(t, ui, d1, t->c_raw, &t->raw);
  if (t->fit_rc == 0) {
    tv_draw_map(t, ui, TEX_CFIT, d2, t->c_fit, 1);
    tv_surprise_hover(t, ui, d2, t->c_fit, &t->fit);
  }
  mx_draw_colorbar(ui, cb, MX_CMAP_VIRIDIS, 0.0, TV_SURPRISE_HI, "%.0f");
  x = cb.x + cbw + mx_ui_px(ui, 6);
  txt = (mx_rect){x, lower.y, lower.x + lower.w - x, lower.h};
  tv_fmt_count(a, sizeof a, (size_t)t->digit);
  mx_text(ui, txt.x, txt.y, MX_FONT_TITLE, th->accent, "%d", te->labels[t->digit]);
  mx_text_size(ui, MX_FONT_TITLE, "0", &tw, NULL);
  mx_text(ui, txt.x + tw + mx_ui_px(ui, 12), txt.y + mx_ui_px(ui, 8), MX_FONT_BODY, th->text_dim,
          "test #%s", a);
  y = txt.y + mx_line_height(ui, MX_FONT_TITLE) + mx_ui_px(ui, 2);
  tv_fmt_num(v1, sizeof v1, 'f', 2, -t->ll_raw);
  snprintf(buf, sizeof buf, "raw:  NLL = %s", v1);
  mx_text_in(ui, (mx_rect){txt.x, y, txt.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT,
             t->ninf_raw ? th->bad : th->text, buf);
  y += lh;
  if (t->ninf_raw)
    snprintf(buf, sizeof buf, "%zu pixel%s lit where θ = 0", t->ninf_raw, t->ninf_raw == 1 ? "" : "s");
  else
    snprintf(buf, sizeof buf, "= %.1f bits", -t->ll_raw / MX_LN2);
  mx_text_in(ui, (mx_rect){txt.x, y, txt.w, lhS}, MX_FONT_SMALL, MX_ALIGN_LEFT,
             t->ninf_raw ? th->bad : th->text_dim, buf);
  y += lhS + mx_ui_px(ui, 4);
  tv_fmt_num(v1, sizeof v1, 'f', 2, -t->ll_fit);
  snprintf(buf, sizeof buf, "prior:  NLL = %s", v1);
  mx_text_in(ui, (mx_rect){txt.x, y, txt.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT,
             t->fit_rc || t->ninf_fit ? th->bad : th->text, buf); /* one digit: no verdict */
  y += lh;
  if (t->fit_rc) snprintf(buf, sizeof buf, "θ undefined");
  else if (t->ninf_fit)
    snprintf(buf, sizeof buf, "%zu pixel%s with probability 0", t->ninf_fit,
             t->ninf_fit == 1 ? "" : "s");
  else snprintf(buf, sizeof buf, "= %.1f bits: the sum of its map", -t->ll_fit / MX_LN2);
  mx_text_in(ui, (mx_rect){txt.x, y, txt.w, lhS}, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, buf);
}

/* The test digit row cut off the bottom of *r into *lower; returns its map
 * pixel size kd. The row's three maps leave its numbers ("prior:  NLL =
 * 000.00", "= 000.0 bits: the sum of its map") their width, and the row is as
 * tall as the taller of the maps and those lines. */
static int tv_digit_row(theta_view *t, mx_ui *ui, mx_rect *r, int cbw, mx_rect *lower) {
  int lh = mx_line_height(ui, MX_FONT_BODY), lhS = mx_line_height(ui, MX_FONT_SMALL);
  int kd = (r->h * 21 / 100) / t->rows, w1, w2, room, text_h, map_h;
  mx_text_size(ui, MX_FONT_BODY, "prior:  NLL = 000.00", &w1, NULL);
  mx_text_size(ui, MX_FONT_SMALL, "= 000.0 bits: the sum of its map", &w2, NULL);
  room = r->w - cbw - mx_ui_px(ui, 16) - 2 * mx_ui_px(ui, 18) - (w1 > w2 ? w1 : w2);
  if (kd * 3 * t->cols > room) kd = room / (3 * t->cols);
  if (kd < 1) kd = 1;
  text_h = mx_line_height(ui, MX_FONT_TITLE) + mx_ui_px(ui, 6) + 2 * lh + 2 * lhS;
  map_h = kd * t->rows + lhS + mx_ui_px(ui, 4);
  *lower = mx_rect_cut_bottom(r, map_h > text_h ? map_h : text_h);
  return kd;
}

static void tv_draw_theta_panel(theta_view *t, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int gap = mx_ui_px(ui, 16), lhL = mx_line_height(ui, MX_FONT_LARGE);
  int lh = mx_line_height(ui, MX_FONT_BODY);
  int cbw = mx_ui_px(ui, 60), k, kd, side, cardw, i, title_h, res_h;
  mx_rect maps, lower, expl, card[2], dst[2];
  char buf[256], sub[160], v1[32], v2[32], a[32];
  const mx_bern_nll *res[2] = {&t->raw_nll, &t->fit_nll};

  /* vertical budget: [titles, maps, results] / explanation / the test digit row */
  kd = tv_digit_row(t, ui, &r, cbw, &lower);
  mx_rect_cut_bottom(&r, gap);
  expl = mx_rect_cut_bottom(&r, 2 * lh + mx_ui_px(ui, 4));
  mx_rect_cut_bottom(&r, gap / 2);
  maps = r;
  title_h = lhL + lh + mx_ui_px(ui, 8);
  res_h = lhL + 2 * lh + mx_ui_px(ui, 8);
  cardw = (maps.w - cbw - gap) / 2;
  k = cardw / t->cols;
  i = (maps.h - title_h - res_h) / t->rows;
  if (i < k) k = i;
  if (k < 1) k = 1;
  side = k * t->cols;
  for (i = 0; i < 2; i++) {
    card[i] = (mx_rect){maps.x + i * (cardw + gap), maps.y, cardw, maps.h};
    dst[i] = (mx_rect){card[i].x + (cardw - side) / 2, maps.y + title_h, side, k * t->rows};
  }
  t->map_rect[0] = dst[0];
  t->map_rect[1] = dst[1];
  /* titles */
  snprintf(sub, sizeof sub, "θ = n₁ / n   ·   %zu pixels with θ = 0", t->raw_nll.theta0);
  tv_map_title(ui, card[0], "Raw MLE", sub, th->text);
  tv_fmt_prior(a, sizeof a, t->prior);
  if (t->prior == 0 && !t->map) snprintf(buf, sizeof buf, "Beta(0, 0) mean = raw MLE");
  else if (t->prior == 1 && !t->map) snprintf(buf, sizeof buf, "Laplace  ·  Beta(1, 1)");
  else snprintf(buf, sizeof buf, "Beta(%s, %s) %s", a, a, t->map ? "mode" : "mean");
  if (t->fit_rc == 0 && t->fit_nll.theta0 + t->fit_nll.theta1)
    snprintf(sub, sizeof sub, "%s   ·   %zu red: θ = 0 or 1",
             t->map ? "θ = (n₁+a−1) / (n+2a−2)" : "θ = (n₁+a) / (n+2a)",
             t->fit_nll.theta0 + t->fit_nll.theta1);
  else
    snprintf(sub, sizeof sub, "%s", t->map ? "θ = (n₁ + a − 1) / (n + 2a − 2)" : "θ = (n₁ + a) / (n + 2a)");
  tv_map_title(ui, card[1], buf, sub, th->accent);
  /* maps */
  tv_draw_map(t, ui, TEX_RAW, dst[0], t->raw.theta, 0);
  {
    /* raw pixels where some test digit meets probability 0: amber rings */
    size_t j;
    for (j = 0; j < t->d; j++)
      if (t->culprit[j]) {
        mx_rect cell = {dst[0].x + (int)(j % (size_t)t->cols) * k,
                        dst[0].y + (int)(j / (size_t)t->cols) * k, k, k};
        mx_draw_rect_outline(ui, mx_rect_inset(cell, -mx_ui_px(ui, 2)), th->accent,
                             mx_ui_px(ui, 3));
      }
  }
  tv_map_hover(t, ui, dst[0], &t->raw, -1);
  if (t->fit_rc == 0) {
    tv_draw_map(t, ui, TEX_FIT, dst[1], t->fit.theta, 0);
    tv_map_hover(t, ui, dst[1], &t->fit, -1);
  } else {
    mx_draw_rect(ui, dst[1], th->panel);
    mx_text_in(ui, dst[1], MX_FONT_BODY, MX_ALIGN_CENTER, th->bad, "θ undefined for this prior");
  }
  mx_draw_colorbar(ui, (mx_rect){maps.x + 2 * cardw + gap + gap / 2, dst[0].y, cbw, dst[0].h},
                   MX_CMAP_THETA, 0.0, 1.0, "%.1f");
  mx_text_in(ui, (mx_rect){maps.x + 2 * cardw + gap + gap / 2, dst[0].y - lh - 2, cbw, lh},
             MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, "θ");
  /* results under each map */
  for (i = 0; i < 2; i++) {
    const mx_bern_nll *q = res[i];
    int ok = i == 0 || t->fit_rc == 0;
    mx_rect line = {card[i].x, dst[i].y + dst[i].h + mx_ui_px(ui, 8), card[i].w, lhL};
    tv_fmt_num(v1, sizeof v1, 'f', 2, ok ? q->mean : NAN);
    snprintf(buf, sizeof buf, "test NLL   %s   nats / digit", v1);
    mx_ui_headline(ui, line); /* tooltips keep off it */
    /* raw: bad when infinite; the prior's: green / red as its last change made
     * it better / worse, neutral before any change */
    mx_text_in(ui, line, tv_fit_font_from(ui, MX_FONT_LARGE, buf, line.w), MX_ALIGN_CENTER,
               !ok || !isfinite(q->mean) ? th->bad
               : i == 0 || t->fit_trend == 0 ? th->text
               : t->fit_trend < 0 ? th->good : th->bad,
               buf);
    line.y += lhL;
    line.h = lh;
    if (!ok) {
      mx_text_in(ui, line, MX_FONT_BODY, MX_ALIGN_CENTER, th->text_dim, "no training digits: 0/0");
      continue;
    }
    tv_fmt_count(v1, sizeof v1, q->n_inf);
    tv_fmt_count(v2, sizeof v2, q->n);
    {
      /* the line in the body or small font, or its short form when even that is too wide */
      char brief[96];
      const char *v[2];
      int f;
      if (q->n_inf) {
        snprintf(buf, sizeof buf, "%s of %s test digits are impossible", v1, v2);
        snprintf(brief, sizeof brief, "%s of %s impossible", v1, v2);
      } else {
        snprintf(buf, sizeof buf, "all %s test digits possible  ·  %.2f bits", v2, q->mean / MX_LN2);
        snprintf(brief, sizeof brief, "all %s possible", v2);
      }
      v[0] = buf;
      v[1] = brief;
      f = tv_fit_font(ui, buf, line.w);
      mx_text_fit(ui, line, f, MX_ALIGN_CENTER, q->n_inf ? th->bad : th->text_dim, v, 2);
      line.y += lh;
      tv_fmt_num(v1, sizeof v1, 'f', 2, q->notes_mean);
      snprintf(buf, sizeof buf, "the notes' −Σ x·log θ / n:   %s", v1);
      snprintf(brief, sizeof brief, "notes' formula: %s", v1);
      f = tv_fit_font(ui, buf, line.w);
      mx_text_fit(ui, line, f, MX_ALIGN_CENTER, isnan(q->notes_mean) ? th->bad : th->text_dim, v, 2);
    }
  }
  tv_explain(ui, expl);
  tv_test_digit(t, ui, lower, kd, cbw);
}

static void tv_draw(void *state, mx_app *app, mx_ui *ui, mx_rect area) {
  theta_view *t = state;
  int pad = mx_ui_px(ui, 16), sidew = mx_ui_px(ui, 372);
  mx_rect r = mx_rect_inset(area, pad), side;
  tv_refresh(t);
  if (sidew > r.w * 2 / 5) sidew = r.w * 2 / 5;
  side = mx_rect_cut_right(&r, sidew);
  mx_rect_cut_right(&r, pad);
  tv_draw_side(t, app, ui, side);
  tv_refresh(t); /* a widget may have changed an input this frame */
  if (t->samp.shown)
    mx_sample_set_panel(ui, r, &t->samp, t->samp_nb ? "Digits sampled from the naive Bayes "
                        "classes" : "Digits sampled from the per-pixel θ", t->samp_nb ? "a class "
                        "uniformly, then each pixel ~ Bernoulli(θ_c,j); ink = class.  G: new, "
                        "Shift+G: back" : "each pixel lit with probability θ_j.  G: new, Shift+G: back");
  else if (t->panel == 0) tv_draw_theta_panel(t, ui, r);
  else tv_draw_nb_panel(t, ui, r);
}

/* ------------------------------------------------------------------ set / scenes */

static int tv_set(void *state, mx_app *app, const char *key, const char *value, mx_error *err) {
  theta_view *t = state;
  double v;
  (void)app;
  if (!strcmp(key, "prior") || !strcmp(key, "alpha") || !strcmp(key, "a")) {
    if (!strcmp(value, "raw")) v = 0;
    else if (!strcmp(value, "laplace")) v = 1;
    else if (mx_view_parse_double(value, 0, TV_PRIOR_MAX, MX_VIEW_CLOSED, &v))
      return mx_error_set(err, MX_EINVAL, "theta: %s must be a number in [0, %g], 'raw' or "
                          "'laplace', not '%s'", key, TV_PRIOR_MAX, value);
    tv_set_prior(t, v);
    return 0;
  }
  if (!strcmp(key, "estimate")) {
    if (!strcmp(value, "mean")) tv_set_map(t, 0);
    else if (!strcmp(value, "map") || !strcmp(value, "mode")) tv_set_map(t, 1);
    else return mx_error_set(err, MX_EINVAL, "theta: estimate must be 'mean' or 'map', not '%s'",
                             value);
    return 0;
  }
  if (!strcmp(key, "threshold")) {
    if (mx_view_parse_double(value, 0, 1, MX_VIEW_CLOSED, &v))
      return mx_error_set(err, MX_EINVAL, "theta: threshold must be a number in [0, 1], not '%s'",
                          value);
    tv_set_threshold(t, v);
    return 0;
  }
  if (!strcmp(key, "digit")) {
    if (!strcmp(value, "impossible")) {
      long i;
      tv_refresh(t);
      i = tv_find_impossible(t, 1);
      if (i < 0) return mx_error_set(err, MX_EINVAL, "theta: no test digit is impossible under raw θ");
      tv_set_digit(t, i);
      return 0;
    }
    if (mx_view_parse_double(value, 0, (double)t->ntest - 1, MX_VIEW_CLOSED, &v) || v != floor(v))
      return mx_error_set(err, MX_EINVAL, "theta: digit must be a test index 0-%zu or "
                          "'impossible', not '%s'", t->ntest - 1, value);
    tv_set_digit(t, (long)v);
    return 0;
  }
  if (!strcmp(key, "panel")) {
    if (!strcmp(value, "theta") || !strcmp(value, "maps")) tv_set_panel(t, 0);
    else if (!strcmp(value, "nb") || !strcmp(value, "bayes")) tv_set_panel(t, 1);
    else return mx_error_set(err, MX_EINVAL, "theta: panel must be 'theta' or 'nb', not '%s'", value);
    return 0;
  }
  return mx_error_set(err, MX_EINVAL, "theta: unknown option '%s' (options: prior, estimate, "
                      "threshold, digit, panel)", key);
}

static cJSON *tv_save(void *state, mx_app *app) {
  theta_view *t = state;
  cJSON *o = cJSON_CreateObject();
  (void)app;
  if (!o) return NULL;
  cJSON_AddNumberToObject(o, "prior", t->prior);
  cJSON_AddStringToObject(o, "estimate", t->map ? "map" : "mean");
  cJSON_AddNumberToObject(o, "threshold", t->threshold);
  cJSON_AddNumberToObject(o, "digit", (double)t->digit);
  cJSON_AddStringToObject(o, "panel", t->panel ? "nb" : "theta");
  return o;
}

/* Validate every field first; apply only if all are good. */
static int tv_load(void *state, mx_app *app, const cJSON *json, mx_error *err) {
  theta_view *t = state;
  const cJSON *f;
  double prior = t->prior, thr = t->threshold;
  int map = t->map, panel = t->panel;
  long digit = t->digit;
  (void)app;
  if (!cJSON_IsObject(json)) return mx_error_set(err, MX_EPARSE, "theta: state must be an object");
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "prior"))) {
    if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) || f->valuedouble < 0 ||
        f->valuedouble > TV_PRIOR_MAX)
      return mx_error_set(err, MX_EPARSE, "theta: field \"prior\" must be a number in [0, %g]",
                          TV_PRIOR_MAX);
    prior = f->valuedouble;
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "estimate"))) {
    if (cJSON_IsString(f) && !strcmp(f->valuestring, "mean")) map = 0;
    else if (cJSON_IsString(f) && !strcmp(f->valuestring, "map")) map = 1;
    else return mx_error_set(err, MX_EPARSE, "theta: field \"estimate\" must be \"mean\" or \"map\"");
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "threshold"))) {
    if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) || f->valuedouble < 0 || f->valuedouble > 1)
      return mx_error_set(err, MX_EPARSE, "theta: field \"threshold\" must be a number in [0, 1]");
    thr = f->valuedouble;
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "digit"))) {
    if (!cJSON_IsNumber(f) || f->valuedouble != floor(f->valuedouble) || f->valuedouble < 0 ||
        f->valuedouble >= (double)t->ntest)
      return mx_error_set(err, MX_EPARSE, "theta: field \"digit\" must be a test index 0-%zu",
                          t->ntest - 1);
    digit = (long)f->valuedouble;
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "panel"))) {
    if (cJSON_IsString(f) && !strcmp(f->valuestring, "theta")) panel = 0;
    else if (cJSON_IsString(f) && !strcmp(f->valuestring, "nb")) panel = 1;
    else return mx_error_set(err, MX_EPARSE, "theta: field \"panel\" must be \"theta\" or \"nb\"");
  }
  tv_set_prior(t, prior);
  tv_set_map(t, map);
  tv_set_threshold(t, thr);
  tv_set_digit(t, digit);
  tv_set_panel(t, panel);
  return 0;
}

/* ------------------------------------------------------------------ accessor */

int mx_theta_view_info(void *state, mx_theta_info *out) {
  theta_view *t = state;
  int k;
  if (!t || !out) return -1;
  tv_refresh(t);
  memset(out, 0, sizeof *out);
  out->prior = t->prior;
  out->map = t->map;
  out->threshold = t->threshold;
  out->digit = t->digit;
  out->panel = t->panel;
  out->raw_nll = t->raw_nll.mean;
  out->fit_nll = t->fit_rc == 0 ? t->fit_nll.mean : NAN;
  out->fit_trend = t->fit_trend;
  out->raw_notes = t->raw_nll.notes_mean;
  out->fit_notes = t->fit_rc == 0 ? t->fit_nll.notes_mean : NAN;
  out->raw_theta0 = t->raw_nll.theta0;
  out->raw_inf = t->raw_nll.n_inf;
  out->fit_inf = t->fit_rc == 0 ? t->fit_nll.n_inf : 0;
  out->digit_raw_ll = t->ll_raw;
  out->digit_fit_ll = t->ll_fit;
  out->nb_ok = t->nb_rc == 0 && !t->nb_dirty;
  out->nb_accuracy = out->nb_ok ? t->nbev.accuracy : NAN;
  out->map_raw = t->map_rect[0];
  out->map_fit = t->map_rect[1];
  out->nthumb = t->nthumb;
  for (k = 0; k < t->nthumb; k++) {
    out->thumb_idx[k] = t->thumb_idx[k];
    out->thumb[k] = t->thumb[k];
  }
  return 0;
}

const mx_view mx_view_theta = {
  "theta", "θ maps", tv_create, tv_destroy, tv_event, NULL, tv_draw,
  tv_set, tv_save, tv_load};
