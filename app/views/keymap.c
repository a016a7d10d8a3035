/* mixscope — the one key map: every key of the shell and of every view, in
 * the order the help overlay lists them (see view.h). A key means the same
 * thing wherever it is used: Space / → step forward, ← step back, Enter run /
 * pause, R reset, N new seed, U semi-supervised, K or + / − components,
 * [ ] fewer / more, G sample digits, X the view's other model or panel, V a
 * density layer, D data, O the model's form, . half an EM step. README.md's
 * key table is this table row for row (checked by test_app_flow). */
#include <string.h>

#include "view.h"

const mx_keyrow mx_keymap[] = {
  /* everywhere (the shell) */
  {"1-9 / Tab", "switch view (Ctrl 1-9 always)", "*"},
  {"H / ? / F1", "show / hide the help", "*"},
  {"Esc", "close the help", "*"},
  {"W", "the scene's note as a caption", "*"},
  {"PgDn / PgUp", "next / previous lecture scene", "*"},
  {"Ctrl S", "save this view as a scene (JSON)", "*"},
  {"P", "save a screenshot (PNG)", "*"},
  {"F / F11", "fullscreen", "*"},
  {"Ctrl + / Ctrl −", "bigger / smaller text (Ctrl 0: reset)", "*"},
  {"C", "high contrast", "*"},
  {"F2", "projector mode (thick lines)", "*"},
  {"F3", "light / dark theme", "*"},
  {"L", "key legend strip", "*"},
  {"M", "highlight the mouse pointer", "*"},
  {"Q", "quit (asks first if anything changed)", "*"},
  /* stepping: the model views */
  {"Space / →", "one EM step (or forward in the history)", "gmm bmm"},
  {"Space / →", "one EM step (density network: 50 Adam steps)", "moe"},
  {"Space / →", "add a point drawn from N(true μ, σ²)", "posterior"},
  {"←", "step back", "gmm bmm moe"},
  {"←", "undo the last point (also Backspace)", "posterior"},
  {".", "half a step: M (ellipses refit, old ones dashed), then E (points recoloured)", "gmm"},
  {"Enter", "run / pause", "gmm bmm moe"},
  {"Enter", "play / pause: a point every 0.45 s", "posterior"},
  {"R", "reset (same seed)", "gmm bmm moe posterior"},
  {"N / Shift N", "new seed / previous seed", "gmm bmm"},
  {"N / Shift N", "new data: next / previous seed", "moe"},
  {"Home / End", "first / newest iteration", "bmm"},
  {"+ / −  or  K / Shift K", "more / fewer components", "gmm bmm"},
  {"+ / −  or  K / Shift K", "more / fewer experts", "moe"},
  {"I", "init: k-means++ / random / labels", "gmm"},
  {"I", "init: k-means++ / random", "bmm"},
  {"U", "semi-supervised on / off", "gmm bmm"},
  {"[ / ]", "fewer / more labelled points", "gmm"},
  {"[ / ]", "fewer / more labelled digits per class", "bmm"},
  /* browsing: digits and θ */
  {"← / →", "previous / next page (or mouse wheel)", "digits"},
  {"↑ / ↓", "back / forward 10 pages", "digits"},
  {"Home / End", "first / last page", "digits"},
  {"0-9", "show only that label", "digits"},
  {"A / Backspace", "show all labels", "digits"},
  {"T", "train / test set", "digits"},
  {"B", "raw grey / binarized", "digits"},
  {"Click", "show a digit large (Esc: clear)", "digits"},
  {"0 / 1", "raw MLE (a = b = 0) / Laplace (a = b = 1)", "theta"},
  {"↑ / ↓", "stronger / weaker prior a = b (0, 0.01 ... 10000)", "theta"},
  {"← / →", "previous / next test digit (Shift: by 10)", "theta"},
  {"Home / End", "first / last test digit", "theta"},
  {"J / Shift J", "next / previous test digit that raw θ calls impossible", "theta"},
  {"E", "estimate: posterior mean / posterior mode (MAP)", "theta"},
  {"Click", "pick a test digit; hover a map for a pixel's counts", "theta"},
  {"[ / ]", "threshold down / up by 0.05", "digits theta"},
  /* the views' other models, layers and data */
  {"G / Shift G", "sample new digits from the model / back", "theta bmm"},
  {"X", "the other model: model selection (BIC / AIC against K, click to load)", "gmm"},
  {"X", "the other model: density network (Adam) / mixture of experts (EM)", "moe"},
  {"X", "the other panel: θ maps / naive Bayes", "theta"},
  {"V", "density layer on / off", "gmm"},
  {"V", "heatmap of p(t | x) on / off", "moe"},
  {"V", "predictive density N(a, b² + σ²) on / off", "posterior"},
  {"D / Shift D", "next / previous dataset", "gmm"},
  {"D / Shift D", "draw 10 / 100 data points", "posterior"},
  {"O / Shift O", "covariance: full / diag / spherical / tied", "gmm"},
  {"O / Shift O", "polynomial degree up / down (network: hidden units ×2 / ÷2)", "moe"},
  /* the views' own layers and options */
  {"E  B", "ellipses, decision boundaries on / off", "gmm"},
  {"A", "hard vs soft: k-means beside EM", "gmm"},
  {"Click", "add a point (right click: remove)", "gmm"},
  {"A", "test accuracy against the labels per class", "bmm"},
  {"B", "single least-squares line on / off", "moe"},
  {"S", "±σ bands on / off", "moe"},
  {"E", "show the derivation (completing the square)", "posterior"},
  {"Click", "add a point where you click (right click: undo)", "posterior"},
  {NULL, NULL, NULL}};

/* 1 if the space-separated list has the word w. */
static int keymap_has(const char *list, const char *w) {
  size_t n = strlen(w);
  const char *p = list;
  while ((p = strstr(p, w))) {
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
    p += n;
  }
  return 0;
}

int mx_keymap_view(const char *view, mx_keyhelp *out, int cap) {
  int i, n = 0;
  for (i = 0; mx_keymap[i].key; i++)
    if (keymap_has(mx_keymap[i].views, view)) {
      if (n < cap - 1) {
        out[n].key = mx_keymap[i].key;
        out[n].what = mx_keymap[i].what;
      }
      n++;
    }
  if (cap > 0) out[n < cap - 1 ? n : cap - 1] = (mx_keyhelp){NULL, NULL};
  return n;
}
